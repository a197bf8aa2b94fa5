"""What Celery beat runs, and how often (settings.CELERY_BEAT_SCHEDULE): the sweeps that
hand over again what the broker refused and requeue what a dead worker left, every
`sweep_seconds`, and the comment digests and review reminders that fall due. Run exactly one
beat (`celery -A microcred beat`); `manage.py run_periodic_work` runs each entry once."""


def beat_schedule(*, sweep_seconds: int) -> dict[str, dict]:
    return {
        "requeue-stalled-exports": {
            "task": "microcred.reports.tasks.requeue_stalled_exports",
            "schedule": sweep_seconds,
            # A sweep that waited for a worker longer than the next one is not worth running.
            "options": {"expires": sweep_seconds},
        },
        "resend-pending-notifications": {
            "task": "microcred.plans.tasks.resend_pending_notifications",
            "schedule": sweep_seconds,
            "options": {"expires": sweep_seconds},
        },
        "requeue-stalled-psychometric-reviews": {
            "task": "maintenance.tasks.requeue_stalled_psychometric_reviews",
            "schedule": sweep_seconds,
            "options": {"expires": sweep_seconds},
        },
        # Webhook retries fall due by the minute at the soonest.
        "send-due-webhooks": {
            "task": "microcred.webhooks.tasks.send_due_webhooks",
            "schedule": sweep_seconds,
            "options": {"expires": sweep_seconds},
        },
        # Comment digests wait 15 minutes for more comments; a minute late is no harm.
        "send-due-comment-digests": {
            "task": "microcred.comments.tasks.send_due_comment_digests",
            "schedule": 60,
            "options": {"expires": 60},
        },
        # Review reminders are sent by the day; hourly runs send them early in the day, and a
        # beat or worker down for a while still sends them later that day.
        "send-review-reminders": {
            "task": "maintenance.tasks.send_review_reminders",
            "schedule": 3600,
            "options": {"expires": 3600},
        },
    }
