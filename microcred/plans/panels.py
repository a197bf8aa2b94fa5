"""Panels: what a phase app computes from the plan's records (a cost and ROI table, a
review calendar, item statistics) and shows after one of its phase's questions, on the
phase page and in the PDF; and the sections other apps add to a plan's dashboard
(exports, reviews due, the review state). Listed by plain imports, like the record
types: these are the imports that run up the layers, and the only ones."""

from collections.abc import Container

import delivery.panels
import design.panels
import maintenance.panels
import marketing.panels
import microcred.reports.panels
import microcred.review.panels
import operations.panels
import planning.panels

from .models import Plan
from .panel_types import Dashboard, DashboardSection, Panel, ShownPanel
from .permissions import PlanAccess

PHASE_APP_PANELS = (
    planning.panels,
    marketing.panels,
    operations.panels,
    design.panels,
    delivery.panels,
    maintenance.panels,
)
PANELS: list[Panel] = [panel for module in PHASE_APP_PANELS for panel in module.PANELS]
# In the order the dashboard shows them: exports first, the review history last.
DASHBOARD_SECTION_MODULES = (
    microcred.reports.panels,
    *PHASE_APP_PANELS,
    microcred.review.panels,
)
DASHBOARD_SECTIONS: list[DashboardSection] = [
    section for module in DASHBOARD_SECTION_MODULES for section in module.DASHBOARD_SECTIONS
]


def panel_places(phase_slug: str, shown_keys: Container[str]) -> dict[str, list[Panel]]:
    """The phase's panels by the key of the question each follows; those whose question
    is not among `shown_keys` (absent or not applicable) under ""."""
    placed: dict[str, list[Panel]] = {}
    for panel in PANELS:
        if panel.phase_slug == phase_slug:
            key = panel.after_question if panel.after_question in shown_keys else ""
            placed.setdefault(key, []).append(panel)
    return placed


def phase_panels(
    plan: Plan, phase_slug: str, shown_keys: Container[str], *, access: PlanAccess | None = None
) -> dict[str, list[ShownPanel[Panel]]]:
    """The phase's panels with their data, placed as panel_places says; those that show
    nothing left out."""
    placed: dict[str, list[ShownPanel[Panel]]] = {}
    for key, panels in panel_places(phase_slug, shown_keys).items():
        for panel in panels:
            data = panel.build(plan, access=access)
            if data is not None:
                placed.setdefault(key, []).append(ShownPanel(panel=panel, data=data))
    return placed


def dashboard_sections(dashboard: Dashboard) -> list[ShownPanel[DashboardSection]]:
    """The sections of the plan's dashboard that have something to show."""
    shown: list[ShownPanel[DashboardSection]] = []
    for section in DASHBOARD_SECTIONS:
        data = section.build(dashboard)
        if data is not None:
            shown.append(ShownPanel(panel=section, data=data))
    return shown


def dashboard_state(plan: Plan) -> list[object]:
    """What the dashboard's sections show that can change without stamping the plan."""
    return [section.state(plan) for section in DASHBOARD_SECTIONS if section.state]
