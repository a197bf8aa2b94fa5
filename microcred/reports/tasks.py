from functools import partial

from celery import shared_task

from microcred.plans.worker_tasks import run_work, work_task_options

from . import services

# Seconds. Inside settings.REPORT_RUNNING_LEASE, so that an export still "running" after
# its lease has surely lost its worker; and inside the broker's visibility timeout
# (CELERY_BROKER_TRANSPORT_OPTIONS), so that a live render is never delivered twice.
RENDER_TIME_LIMIT = 240


@shared_task(**work_task_options(time_limit=RENDER_TIME_LIMIT))
def render_plan_report(self, export_id: int) -> None:
    """Render one export. Transient failures are retried with backoff; anything else is
    deterministic and is recorded on the export with its cause, without a retry."""
    run_work(
        self,
        partial(services.render_export, export_id=export_id, claimant=self.request.id or ""),
        fail=lambda reason: services.fail_export(export_id=export_id, reason=reason),
        unavailable=services.unavailable_reason,
        too_slow=partial(services.too_slow_reason, limit_seconds=RENDER_TIME_LIMIT),
        failure=lambda error: partial(services.failure_reason, error),
        what=f"Export {export_id}",
    )


@shared_task(ignore_result=True)
def requeue_stalled_exports() -> int:
    """Run by Celery beat: resend what the broker refused, requeue what a dead worker left."""
    return services.requeue_stalled_exports()
