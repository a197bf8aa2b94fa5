import importlib
from functools import partial

from celery import shared_task
from celery.signals import worker_init

from microcred.work.outbox import resend_refused
from microcred.work.runner import run_work, work_task_options

from . import psychometric_runs, reminders
from .models import PsychometricReview


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
        partial(
            psychometric_runs.compute_review, review_id=review_id, claimant=self.request.id or ""
        ),
        fail=partial(psychometric_runs.fail_review, review_id=review_id),
        what=f"Psychometric review {review_id}",
    )


@shared_task(ignore_result=True)
def requeue_stalled_psychometric_reviews() -> int:
    """Run by Celery beat, like `reports.tasks.requeue_stalled_exports`: requeue the
    reviews a dead worker left, then hand over again the queued reviews the broker refused
    or lost. Every change is conditional. Returns how many were handed over."""
    psychometric_runs.requeue_abandoned_reviews()
    return resend_refused(PsychometricReview, task=compute_psychometric_review)
