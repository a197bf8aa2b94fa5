"""What a worker does with an export: claim it, render the plan in its format with its
options, store the file, or record why it could not be made. The print preview renders
the same HTML."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from microcred.plans.models import Plan
from microcred.plans.signals import EXPORTED, plan_event
from microcred.work.outbox import claim, requeue_abandoned
from microcred.work.runner import FailureKind, WorkFailure

from .content import plan_report_context
from .docx import render_plan_docx
from .models import DOCUMENT_NAMES, ReportExport
from .options import DEFAULT_OPTIONS, ExportOptions, paper_of
from .pdf import html_to_pdf
from .summary import executive_summary

logger = logging.getLogger(__name__)


def running_lease() -> datetime.timedelta:
    """A render is cut off after RENDER_TIME_LIMIT (see tasks.py); a "running" export
    whose start is older than this lease (REPORT_RUNNING_LEASE, longer than that limit)
    was abandoned by a worker that died, and may be taken over."""
    return datetime.timedelta(seconds=settings.REPORT_RUNNING_LEASE)


def report_context(*, plan: Plan, options: ExportOptions = DEFAULT_OPTIONS) -> dict:
    """What every format of the plan report is made from."""
    context = plan_report_context(plan, options=options)
    context.update(
        generated_at=timezone.localtime(),
        answered=sum(section.answered for section in context["sections"]),
        total=sum(section.total for section in context["sections"]),
        summary=executive_summary(
            plan, sections=context["sections"], open_threads=context["open_thread_count"]
        ),
        paper=paper_of(plan=plan, options=options),
    )
    return context


def render_plan_html(
    *, plan: Plan, preview: bool = False, options: ExportOptions = DEFAULT_OPTIONS
) -> str:
    """The plan report as HTML: what the print preview shows and what WeasyPrint prints."""
    context = report_context(plan=plan, options=options)
    context["preview"] = preview
    return render_to_string("reports/plan_report.html", context)


@dataclass(frozen=True)
class RenderedReport:
    content: bytes
    page_count: int | None  # None for a Word document, which Word paginates when opened


def render_report(
    *, plan: Plan, export_format: str, options: ExportOptions, url_fetcher=None
) -> RenderedReport:
    if export_format == ReportExport.Format.DOCX:
        return RenderedReport(
            content=render_plan_docx(report_context(plan=plan, options=options)),
            page_count=None,
        )
    pdf = html_to_pdf(
        render_plan_html(plan=plan, options=options),
        url_fetcher=url_fetcher,
        page_size=paper_of(plan=plan, options=options).css_size,
    )
    return RenderedReport(content=pdf.content, page_count=pdf.page_count)


# By the stored format (a plain str when read back).
FILE_EXTENSIONS: dict[str, str] = {
    ReportExport.Format.PDF: "pdf",
    ReportExport.Format.DOCX: "docx",
}
CONTENT_TYPES: dict[str, str] = {
    ReportExport.Format.PDF: "application/pdf",
    ReportExport.Format.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}


def report_filename(
    plan: Plan, day: datetime.date, export_format: str = ReportExport.Format.PDF
) -> str:
    return f"{plan.slug or 'plan'}-plan-{day.isoformat()}.{FILE_EXTENSIONS[export_format]}"


class ExportNotClaimed(Exception):
    """The export is done, failed, or being rendered by another worker right now."""


def claim_export(export_id: int, *, claimant: str = "") -> ReportExport:
    """Mark the export as running for `claimant` (a task id), if it is queued, already
    claimed by that same task (a retry or a redelivery), or abandoned by a runner that
    has been gone longer than the lease (see `work.outbox.claim`)."""
    if not claim(ReportExport, export_id, claimant=claimant, lease=running_lease()):
        raise ExportNotClaimed(export_id)
    return ReportExport.objects.select_related("plan__template_version").get(pk=export_id)


def render_export(*, export_id: int, claimant: str = "", url_fetcher=None) -> ReportExport | None:
    """Render a queued export in its format, with its options, and store it, with the
    plan status and change time it was made from. Safe to run twice: an export that is
    done, failed, or being rendered by someone else is left alone, and of two renders
    racing for one export only the last claimant's file is kept."""
    try:
        export = claim_export(export_id, claimant=claimant)
    except ExportNotClaimed:
        logger.info("Export %s is not waiting to be rendered; nothing to do.", export_id)
        return None
    # The plan was read with the claim, before its answers: a change made while the PDF
    # renders leaves it stamped older than the plan, so it shows as out of date.
    plan = export.plan
    report = render_report(
        plan=plan,
        export_format=export.format,
        options=ExportOptions.from_json(export.options),
        url_fetcher=url_fetcher,
    )
    refusal = size_refusal(report, document=export.document_name)
    if refusal:
        ReportExport.objects.filter(
            pk=export.pk, status=ReportExport.Status.RUNNING, attempts=export.attempts
        ).update(status=ReportExport.Status.FAILED, error=refusal, finished_at=timezone.now())
        export.refresh_from_db()
        return export
    filename = report_filename(export.plan, timezone.localdate(), export.format)
    storage = export.file.storage
    stored_name = storage.save(
        export.file.field.generate_filename(export, f"{export.pk}-{filename}"),
        ContentFile(report.content),
    )
    finished_ours = ReportExport.objects.filter(
        pk=export.pk, status=ReportExport.Status.RUNNING, attempts=export.attempts
    ).update(
        status=ReportExport.Status.DONE,
        file=stored_name,
        filename=filename,
        page_count=report.page_count,
        size_bytes=len(report.content),
        plan_status=plan.status,
        plan_changed_at=plan.updated_at,
        finished_at=timezone.now(),  # after storing, so slow storage shows in the timings
        error="",
    )
    if not finished_ours:
        storage.delete(stored_name)
    export.refresh_from_db()
    if finished_ours:
        plan_event.send(sender=Plan, plan=plan, event=EXPORTED, subject=export)
    return export


def fail_export(failure: WorkFailure, *, export_id: int) -> None:
    """Record why an export failed, in words its requester can act on."""
    pending = ReportExport.objects.filter(
        pk=export_id, status__in=[ReportExport.Status.QUEUED, ReportExport.Status.RUNNING]
    )
    export_format = pending.values_list("format", flat=True).first()
    if export_format is None:
        return
    pending.update(
        status=ReportExport.Status.FAILED,
        error=failure_words(failure, document=DOCUMENT_NAMES[export_format]),
        finished_at=timezone.now(),
    )


def failure_words(failure: WorkFailure, *, document: str) -> str:
    """What a failed export says, given `document`, the name of the file ("PDF", "Word
    document")."""
    if failure.kind is FailureKind.UNAVAILABLE:
        return unavailable_reason(document=document)
    if failure.kind is FailureKind.TOO_SLOW:
        return too_slow_reason(document=document, limit_seconds=failure.time_limit)
    return failure_reason(failure.error, document=document)


def failure_reason(error: BaseException, *, document: str = "PDF") -> str:
    return (
        f"The {document} could not be produced because of a problem in the plan's content "
        f"or in the report layout ({type(error).__name__}: {error}). Trying again will not "
        "help until that is fixed: please tell your administrator."
    )


def abandoned_reason(attempts: int, *, document: str = "PDF") -> str:
    return (
        f"The {document} could not be produced: its rendering was started {attempts} times "
        "and each time the worker stopped before finishing (it may have run out of memory). "
        "Please tell your administrator."
    )


def unavailable_reason(*, document: str) -> str:
    return (
        "The database or the file storage was unavailable for several minutes, so the "
        f"{document} could not be saved. Please try again."
    )


def too_slow_reason(*, document: str, limit_seconds: int) -> str:
    return (
        f"Rendering the {document} took longer than {limit_seconds // 60} minutes and was "
        "stopped. Please try again; if it happens again, tell your administrator."
    )


def _size(size: int) -> str:
    if size < 2**20:
        return f"{size / 2**10:,.0f} KB"
    return f"{size / 2**20:,.1f}".removesuffix(".0") + " MB"


def size_refusal(report: RenderedReport, *, document: str = "PDF") -> str:
    """Why the file is too large to keep (REPORT_MAX_PAGES, REPORT_MAX_BYTES), or ""."""
    max_pages, max_bytes = settings.REPORT_MAX_PAGES, settings.REPORT_MAX_BYTES
    if report.page_count is not None and report.page_count > max_pages:
        return (
            f"The PDF would have {report.page_count:,} pages, over the limit of {max_pages:,}. "
            "Shorten the longest answers or ask your administrator to raise REPORT_MAX_PAGES."
        )
    if len(report.content) > max_bytes:
        return (
            f"The {document} would be {_size(len(report.content))}, over the limit of "
            f"{_size(max_bytes)}. Shorten the longest answers or ask your administrator "
            "to raise REPORT_MAX_BYTES."
        )
    return ""


def requeue_abandoned_exports() -> list[int]:
    """Requeue the exports whose renderer died (running past the lease), or fail them
    once REPORT_MAX_ATTEMPTS renders were started; the ids of those changed."""
    return requeue_abandoned(
        ReportExport,
        lease=running_lease(),
        max_attempts=settings.REPORT_MAX_ATTEMPTS,
        abandoned_reason=lambda row: abandoned_reason(
            row["attempts"], document=DOCUMENT_NAMES[row["format"]]
        ),
    )
