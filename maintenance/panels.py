"""This phase's panels: figures computed from the plan's records (see plans/panels.py)."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from microcred.plans.models import Plan
from microcred.plans.panel_types import Dashboard, DashboardSection, Panel
from microcred.plans.permissions import PlanAccess
from microcred.plans.readiness import PlanFacts

from .apps import MaintenanceConfig
from .calendar import (
    due_reviews,
    feed_url,
    plan_review_cycles,
    reviews_due_for_dashboard,
    webcal_url,
)
from .forms import UPLOAD_FORM_ID, PsychometricUploadForm, megabytes
from .selectors import latest_analysis, reviews_context
from .services import calendar_feed_for


def review_calendar(
    plan: Plan, *, access: PlanAccess | None = None, facts: PlanFacts | None = None
) -> dict[str, Any] | None:
    """The review cycles, nearest due first; on the page, what the viewer may do with
    them: writers mark a review done, members download the calendar, and the owner sees
    the secret link calendar apps subscribe to (made on first use)."""
    cycles = list(plan_review_cycles(plan))
    if not cycles:
        return None
    today = timezone.localdate()
    data: dict[str, Any] = {"reviews": due_reviews(cycles, today=today), "today": today}
    if access is None:
        return data
    data["can_mark_done"] = access.can_edit_answers
    data["download_url"] = reverse("maintenance:calendar_download", kwargs={"plan_id": plan.pk})
    if access.is_owner:
        url = feed_url(calendar_feed_for(plan=plan))
        data["feed_url"] = url
        data["webcal_url"] = webcal_url(url)
    return data


def review_calendar_content(facts: PlanFacts, *, access: PlanAccess) -> object:
    """Its table, and the calendar's link (whose reset stamps pages_changed_at); the date
    is in every key."""
    return (facts.tables_stamp(["maintenance.review_cycles"]), facts.plan.pages_changed_at)


REVIEW_CALENDAR_PANEL = Panel(
    name="maintenance.review_calendar",
    phase_slug=MaintenanceConfig.phase_slug,
    after_question="review_cycles",
    page_template="maintenance/_review_calendar.html",
    pdf_template="maintenance/_review_calendar_pdf.html",
    forms_template="maintenance/_review_calendar_forms.html",
    build=review_calendar,
    content_key=review_calendar_content,
)


PSYCHOMETRICS_QUESTION = "psychometrics_approach"


def psychometrics_panel(
    plan: Plan, *, access: PlanAccess | None = None, facts: PlanFacts | None = None
) -> dict[str, Any] | None:
    """On the page: the upload form for those who may edit answers, the latest analysis
    and the recent reviews. In the PDF: the latest analysis, when there is one."""
    if access is None:
        analysis = latest_analysis(plan)
        return {"analysis": analysis} if analysis else None
    context = reviews_context(plan, access=access)
    if context["can_upload"]:
        context.update(
            form=PsychometricUploadForm(),
            upload_form_id=UPLOAD_FORM_ID,
            max_upload=megabytes(settings.PSYCHOMETRICS_MAX_UPLOAD_BYTES),
        )
    return context


PSYCHOMETRICS_PANEL = Panel(
    name="maintenance.psychometrics",
    phase_slug=MaintenanceConfig.phase_slug,
    after_question=PSYCHOMETRICS_QUESTION,
    page_template="maintenance/panels/psychometrics.html",
    pdf_template="maintenance/panels/psychometrics_pdf.html",
    forms_template="maintenance/panels/psychometrics_forms.html",
    build=psychometrics_panel,
)

PANELS: list[Panel] = [REVIEW_CALENDAR_PANEL, PSYCHOMETRICS_PANEL]


def reviews_due(dashboard: Dashboard) -> dict[str, Any] | None:
    """The nearest reviews due, for the plan's dashboard; None without any."""
    due = reviews_due_for_dashboard(dashboard.plan, today=dashboard.today)
    return vars(due) if due.reviews else None


DASHBOARD_SECTIONS: list[DashboardSection] = [
    DashboardSection(
        name="maintenance.reviews_due",
        side_template="maintenance/_reviews_due.html",
        build=reviews_due,
    ),
]
