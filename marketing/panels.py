"""This phase's panels: figures computed from the plan's records (see plans/panels.py)."""

from microcred.plans.panel_types import DashboardSection, Panel

PANELS: list[Panel] = []

DASHBOARD_SECTIONS: list[DashboardSection] = []
