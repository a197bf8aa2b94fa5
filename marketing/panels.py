"""This phase's panels: figures computed from the plan's records (see plans/panels.py)."""

PANELS = []

DASHBOARD_SECTIONS = []
