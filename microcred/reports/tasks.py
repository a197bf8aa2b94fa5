from functools import partial

from celery import shared_task

from microcred.work.outbox import resend_refused
from microcred.work.runner import run_work, work_task_options

from . import rendering
from .models import ReportExport

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
        partial(rendering.render_export, export_id=export_id, claimant=self.request.id or ""),
        fail=partial(rendering.fail_export, export_id=export_id),
        what=f"Export {export_id}",
    )


@shared_task(ignore_result=True)
def requeue_stalled_exports() -> int:
    """Run by Celery beat: requeue what a dead worker left (see
    `rendering.requeue_abandoned_exports`), then hand over again the queued exports that
    the broker refused or lost (never handed over, or longer than REPORT_RESEND_AFTER
    ago). Safe to run twice at once: every change is a conditional update. Returns how
    many exports were handed over."""
    rendering.requeue_abandoned_exports()
    return resend_refused(ReportExport, task=render_plan_report)
