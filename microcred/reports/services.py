import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from microcred.plans.models import Plan

from . import tasks
from .models import ReportExport
from .pdf import html_to_pdf
from .selectors import plan_report_context

logger = logging.getLogger(__name__)

# A render is cut off after RENDER_TIME_LIMIT (see tasks.py); a "running" export whose
# start is older than this lease was abandoned by a worker that died, and may be taken
# over by the redelivered task.
RUNNING_LEASE = datetime.timedelta(minutes=5)


def render_plan_html(*, plan: Plan, preview: bool = False) -> str:
    """The plan report as HTML: what the print preview shows and what WeasyPrint prints."""
    context = plan_report_context(plan)
    context.update(
        generated_at=timezone.localtime(),
        preview=preview,
        answered=sum(section.answered for section in context["sections"]),
        total=sum(section.total for section in context["sections"]),
    )
    return render_to_string("reports/plan_report.html", context)


def report_filename(plan: Plan, day: datetime.date) -> str:
    return f"{plan.slug or 'plan'}-plan-{day.isoformat()}.pdf"


@transaction.atomic
def request_export(*, plan: Plan, user) -> ReportExport:
    """Queue a PDF export of the plan. The task is sent once the row is committed, so a
    worker never looks for an export that is not there yet."""
    export = ReportExport.objects.create(plan=plan, requested_by=user)
    transaction.on_commit(lambda: tasks.render_plan_report.delay(export.pk))
    return export


class ExportNotClaimed(Exception):
    """The export is done, failed, or being rendered by another worker right now."""


def claim_export(export_id: int, *, claimant: str = "") -> ReportExport:
    """Mark the export as running for `claimant` (a task id), if it is queued, already
    claimed by that same task (a retry or a redelivery), or abandoned by a runner that
    has been gone longer than the lease. The conditional UPDATE lets one claimant win."""
    now = timezone.now()
    claimable = Q(status=ReportExport.Status.QUEUED) | Q(
        status=ReportExport.Status.RUNNING, started_at__lt=now - RUNNING_LEASE
    )
    if claimant:
        claimable |= Q(status=ReportExport.Status.RUNNING, claimed_by=claimant)
    claimed = ReportExport.objects.filter(claimable, pk=export_id).update(
        status=ReportExport.Status.RUNNING,
        started_at=now,
        claimed_by=claimant,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        raise ExportNotClaimed(export_id)
    return ReportExport.objects.select_related("plan__template_version").get(pk=export_id)


def render_export(*, export_id: int, claimant: str = "", url_fetcher=None) -> ReportExport | None:
    """Render a queued export to PDF and store it. Safe to run twice: an export that is
    done, failed, or being rendered by someone else is left alone, and of two renders
    racing for one export only the last claimant's file is kept."""
    try:
        export = claim_export(export_id, claimant=claimant)
    except ExportNotClaimed:
        logger.info("Export %s is not waiting to be rendered; nothing to do.", export_id)
        return None
    html = render_plan_html(plan=export.plan)
    pdf = html_to_pdf(html, url_fetcher=url_fetcher)
    filename = report_filename(export.plan, timezone.localdate())
    storage = export.file.storage
    stored_name = storage.save(
        export.file.field.generate_filename(export, f"{export.pk}-{filename}"),
        ContentFile(pdf.content),
    )
    finished_ours = ReportExport.objects.filter(
        pk=export.pk, status=ReportExport.Status.RUNNING, attempts=export.attempts
    ).update(
        status=ReportExport.Status.DONE,
        file=stored_name,
        filename=filename,
        page_count=pdf.page_count,
        size_bytes=len(pdf.content),
        finished_at=timezone.now(),  # after storing, so slow storage shows in the timings
        error="",
    )
    if not finished_ours:
        storage.delete(stored_name)
    export.refresh_from_db()
    return export


def fail_export(*, export_id: int, reason: str) -> None:
    """Record why an export failed, in words its requester can act on."""
    ReportExport.objects.filter(
        pk=export_id, status__in=[ReportExport.Status.QUEUED, ReportExport.Status.RUNNING]
    ).update(status=ReportExport.Status.FAILED, error=reason, finished_at=timezone.now())


def failure_reason(error: BaseException) -> str:
    return (
        "The PDF could not be produced because of a problem in the plan's content or in "
        f"the report layout ({type(error).__name__}: {error}). Trying again will not help "
        "until that is fixed: please tell your administrator."
    )
