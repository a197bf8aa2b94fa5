"""What the reports app's pages read: a plan's exports, their options, and the approved
versions of a plan."""

from collections.abc import Sequence
from functools import cached_property, partial
from typing import Any

from django.utils.functional import SimpleLazyObject

from microcred.plans.models import Plan, ReviewRound
from microcred.questionnaires.models import Phase

from .forms import ExportOptionsForm
from .models import ExportSettings, ReportExport
from .options import ExportOptions, export_options_of


def exports_of(plan: Plan, *, limit: int | None = None) -> list[ReportExport]:
    """The plan's exports, newest first, each with `options_text`: what it left out ("" if
    nothing), read when shown (a cached page does not). Each knows `plan` without a query
    of its own, which `ReportExport.is_current` compares it with."""
    rows = plan.exports.select_related("requested_by")
    exports = list(rows[:limit] if limit else rows)
    phases = PlanPhases(plan)
    for export in exports:
        options = ExportOptions.from_json(export.options)
        export.options_text = SimpleLazyObject(partial(phases.describe, options))
    return exports


class PlanPhases:
    """Describes export options with the titles of the plan's phases, read once, when
    some options name phases."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    @cached_property
    def phases(self) -> list[Phase]:
        return list(self.plan.template_version.phases.order_by("order"))

    def describe(self, options: ExportOptions) -> str:
        if options.is_default:
            return ""
        return options.description(self.phases if options.phase_slugs is not None else [])


def saved_export_settings(plan: Plan) -> ExportSettings | None:
    return ExportSettings.objects.filter(plan=plan).select_related("updated_by").first()


SERVICE_BUSY = "The report service is busy; your export will start shortly."


def busy_notice(exports: Sequence[ReportExport]) -> str:
    """What to say while the broker has not taken a queued export yet ("" otherwise)."""
    return SERVICE_BUSY if any(e.awaiting_dispatch for e in exports) else ""


EXPORT_PANEL_SIZE = 5


def export_panel_context(
    plan: Plan, *, exports: list[ReportExport] | None = None
) -> dict[str, Any]:
    """The export panel's context; `exports`: the plan's latest EXPORT_PANEL_SIZE exports,
    when the caller has them already."""
    exports = exports_of(plan, limit=EXPORT_PANEL_SIZE) if exports is None else exports
    return {
        "plan": plan,
        "exports": exports,
        "polling": any(e.is_pending for e in exports),
        "busy_notice": busy_notice(exports),
        "export_options_text": PlanPhases(plan).describe(export_options_of(plan)),
    }


def export_page_context(
    plan: Plan, *, form: ExportOptionsForm, saved: ExportSettings | None, can_change_options: bool
) -> dict[str, Any]:
    """The export page: the options `form` (the plan's, when the viewer `can_change_options`;
    else for their own export), who `saved` the options last, every export."""
    exports = exports_of(plan)
    return {
        "plan": plan,
        "form": form,
        "can_change_options": can_change_options,
        "saved_settings": saved,
        "exports": exports,
        "busy_notice": busy_notice(exports),
    }


def with_approved_pdfs(plan: Plan, rounds: list[ReviewRound]) -> list[ReviewRound]:
    """The rounds, each approved one with `approved_pdf`: the newest PDF made while that
    approval stood (None if there is none), so that the approved version stays at hand
    after the plan is reopened. One query, none before a first approval."""
    approvals = [r for r in rounds if r.decision == ReviewRound.Decision.APPROVED]
    exports = (
        list(
            ReportExport.objects.filter(
                plan=plan, status=ReportExport.Status.DONE, plan_status=Plan.Status.APPROVED
            ).order_by("-finished_at", "-pk")
        )
        if approvals
        else []
    )
    for approval in approvals:
        # Not a field of ReviewRound, whose model (in plans) cannot name a ReportExport.
        approval.approved_pdf = next(  # type: ignore[attr-defined]
            (export for export in exports if _made_while_approved(export, approval)), None
        )
    return rounds


def _made_while_approved(export: ReportExport, approval: ReviewRound) -> bool:
    """A decision sets the plan's change time to its own: PDFs of this approval were made
    from that time on, and before any reopening."""
    made, decided, reopened = export.plan_changed_at, approval.decided_at, approval.reopened_at
    # Both are set on a done, approved export and on an approval.
    if made is None or decided is None:
        return False
    return made >= decided and (reopened is None or made < reopened)


def export_states(plan: Plan) -> tuple[tuple[int, str, bool], ...]:
    """What the export panel shows of the plan's latest exports that changes: each one's
    status and whether it awaits the broker; cheap to read on every request."""
    return tuple(
        (pk, status, dispatched_at is None)
        for pk, status, dispatched_at in ReportExport.objects.filter(plan_id=plan.pk)
        .order_by("-requested_at", "-pk")
        .values_list("pk", "status", "dispatched_at")[:EXPORT_PANEL_SIZE]
    )
