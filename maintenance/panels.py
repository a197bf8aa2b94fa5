"""This phase's panels: figures computed from the plan's records (see plans/panels.py)."""

from django.urls import reverse
from django.utils import timezone

from microcred.plans.panel_types import Panel

from .apps import MaintenanceConfig
from .calendar import due_reviews, feed_url, plan_review_cycles, webcal_url
from .services import calendar_feed_for


def review_calendar(plan, *, access=None) -> dict | None:
    """The review cycles, nearest due first; on the page, what the viewer may do with
    them: writers mark a review done, members download the calendar, and the owner sees
    the secret link calendar apps subscribe to (made on first use)."""
    cycles = list(plan_review_cycles(plan))
    if not cycles:
        return None
    today = timezone.localdate()
    data = {"reviews": due_reviews(cycles, today=today), "today": today}
    if access is None:
        return data
    data["can_mark_done"] = access.can_edit_answers
    data["download_url"] = reverse("maintenance:calendar_download", kwargs={"plan_id": plan.pk})
    if access.is_owner:
        data["feed_url"] = feed_url(calendar_feed_for(plan=plan))
        data["webcal_url"] = webcal_url(data["feed_url"])
    return data


PANELS = [
    Panel(
        name="maintenance.review_calendar",
        phase_slug=MaintenanceConfig.phase_slug,
        after_question="review_cycles",
        page_template="maintenance/_review_calendar.html",
        pdf_template="maintenance/_review_calendar_pdf.html",
        forms_template="maintenance/_review_calendar_forms.html",
        build=review_calendar,
    ),
]
