import importlib
from functools import partial

from celery import shared_task
from celery.signals import worker_init

from microcred.plans.worker_tasks import run_work, work_task_options

from . import reminders, services


@shared_task(ignore_result=True)
def send_review_reminders() -> int:
    """Run by Celery beat: e-mail today's review reminders that are not sent yet."""
    return reminders.send_due_review_reminders()


# Seconds: inside settings.PSYCHOMETRICS_RUNNING_LEASE and the broker's visibility timeout,
# as reports.tasks.RENDER_TIME_LIMIT is. 100,000 candidates x 200 items take about 10 s.
COMPUTE_TIME_LIMIT = 240


@worker_init.connect
def load_analysis_libraries(**kwargs):
    """pandas and matplotlib load once per worker, before its pool forks, rather than in
    the first analysis each process runs (the web processes never load them)."""
    for module in ("maintenance.histogram", "maintenance.score_files"):
        importlib.import_module(module)


@shared_task(**work_task_options(time_limit=COMPUTE_TIME_LIMIT))
def compute_psychometric_review(self, review_id: int) -> None:
    """Compute one review. Transient failures are retried with backoff; anything else
    is recorded on the review with its cause, without a retry."""
    run_work(
        self,
        partial(services.compute_review, review_id=review_id, claimant=self.request.id or ""),
        fail=lambda reason: services.fail_review(review_id=review_id, reason=reason),
        unavailable="The database or the file storage was unavailable for several minutes, "
        "so the results could not be read or saved. Please upload them again.",
        too_slow=f"The analysis took longer than {COMPUTE_TIME_LIMIT // 60} minutes and was "
        "stopped. Please tell your administrator.",
        failure=services.failure_reason,
        what=f"Psychometric review {review_id}",
    )


@shared_task(ignore_result=True)
def requeue_stalled_psychometric_reviews() -> int:
    """Run by Celery beat: resend what the broker refused, requeue what a dead worker left."""
    return services.requeue_stalled_reviews()
