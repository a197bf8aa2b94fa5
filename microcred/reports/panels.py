"""The reports app's section of a plan's dashboard: export the PDF or the Word file, and
the latest exports (see plans/panels.py)."""

from typing import Any

from microcred.plans.panel_types import Dashboard, DashboardSection

from .selectors import export_panel_context, export_states


def latest_exports(dashboard: Dashboard) -> dict[str, Any]:
    return export_panel_context(dashboard.plan)


DASHBOARD_SECTIONS: list[DashboardSection] = [
    DashboardSection(
        name="reports.exports",
        side_template="reports/_dashboard_exports.html",
        build=latest_exports,
        # Workers finish exports without stamping the plan.
        state=export_states,
    ),
]
