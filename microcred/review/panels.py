"""The review app's sections of a plan's dashboard: the review state with what the viewer
can do next, above the phases; the review history beside them (see plans/panels.py)."""

from microcred.plans.panel_types import Dashboard, DashboardSection
from microcred.reports.selectors import with_approved_pdfs


def review_state(dashboard: Dashboard) -> dict:
    plan = dashboard.plan
    return {"rounds": with_approved_pdfs(plan, dashboard.review_rounds)}


DASHBOARD_SECTIONS = [
    DashboardSection(
        name="review.rounds",
        top_template="review/_review_panel.html",
        side_template="review/_review_rounds.html",
        build=review_state,
    ),
]
