import logging
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from . import services

logger = logging.getLogger(__name__)

# Worth retrying: the database or the file storage was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError, OSError)
# Seconds. Inside settings.REPORT_RUNNING_LEASE, so that an export still "running" after
# its lease has surely lost its worker; and inside the broker's visibility timeout
# (CELERY_BROKER_TRANSPORT_OPTIONS), so that a live render is never delivered twice.
RENDER_TIME_LIMIT = 240


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=RENDER_TIME_LIMIT - 10,
    time_limit=RENDER_TIME_LIMIT,
)
def render_plan_report(self, export_id: int) -> None:
    """Render one export. Transient failures are retried with backoff; anything else is
    deterministic and is recorded on the export with its cause, without a retry."""
    try:
        services.render_export(export_id=export_id, claimant=self.request.id or "")
    except TRANSIENT_ERRORS:
        if self.request.retries >= self.max_retries:
            services.fail_export(export_id=export_id, reason=services.unavailable_reason)
        raise
    except SoftTimeLimitExceeded:
        services.fail_export(
            export_id=export_id,
            reason=partial(services.too_slow_reason, limit_seconds=RENDER_TIME_LIMIT),
        )
    except Exception as error:
        logger.exception("Export %s failed", export_id)
        services.fail_export(
            export_id=export_id,
            reason=partial(services.failure_reason, error),
        )


@shared_task(ignore_result=True)
def requeue_stalled_exports() -> int:
    """Run by Celery beat: resend what the broker refused, requeue what a dead worker left."""
    return services.requeue_stalled_exports()
