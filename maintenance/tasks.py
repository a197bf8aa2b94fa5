import importlib
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from django.db import InterfaceError, OperationalError

from . import reminders, services


@shared_task(ignore_result=True)
def send_review_reminders() -> int:
    """Run by Celery beat: e-mail today's review reminders that are not sent yet."""
    return reminders.send_due_review_reminders()


logger = logging.getLogger(__name__)

# Worth retrying: the database or the file storage was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError, OSError)
# Seconds: inside settings.PSYCHOMETRICS_RUNNING_LEASE and the broker's visibility timeout,
# as reports.tasks.RENDER_TIME_LIMIT is. 100,000 candidates x 200 items take about 10 s.
COMPUTE_TIME_LIMIT = 240


@worker_init.connect
def load_analysis_libraries(**kwargs):
    """pandas and matplotlib load once per worker, before its pool forks, rather than in
    the first analysis each process runs (the web processes never load them)."""
    for module in ("maintenance.histogram", "maintenance.score_files"):
        importlib.import_module(module)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=COMPUTE_TIME_LIMIT - 10,
    time_limit=COMPUTE_TIME_LIMIT,
)
def compute_psychometric_review(self, review_id: int) -> None:
    """Compute one review. Transient failures are retried with backoff; anything else
    is recorded on the review with its cause, without a retry."""
    try:
        services.compute_review(review_id=review_id, claimant=self.request.id or "")
    except TRANSIENT_ERRORS:
        if self.request.retries >= self.max_retries:
            services.fail_review(
                review_id=review_id,
                reason="The database or the file storage was unavailable for several minutes, "
                "so the results could not be read or saved. Please upload them again.",
            )
        raise
    except SoftTimeLimitExceeded:
        services.fail_review(
            review_id=review_id,
            reason=f"The analysis took longer than {COMPUTE_TIME_LIMIT // 60} minutes and was "
            "stopped. Please tell your administrator.",
        )
    except Exception as error:
        logger.exception("Psychometric review %s failed", review_id)
        services.fail_review(review_id=review_id, reason=services.failure_reason(error))


@shared_task(ignore_result=True)
def requeue_stalled_psychometric_reviews() -> int:
    """Run by Celery beat: resend what the broker refused, requeue what a dead worker left."""
    return services.requeue_stalled_reviews()
