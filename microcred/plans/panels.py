"""Panels: what a phase app computes from the plan's records (a cost and ROI table, a
review calendar, item statistics) and shows after one of its phase's questions, on the
phase page and in the PDF. Listed by plain imports, like the record types."""

import delivery.panels
import design.panels
import maintenance.panels
import marketing.panels
import operations.panels
import planning.panels

# Defined beside, not here: the phase apps define theirs while this module imports them.
from .panel_types import Panel, ShownPanel

PANELS: list[Panel] = [
    panel
    for module in (
        planning.panels,
        marketing.panels,
        operations.panels,
        design.panels,
        delivery.panels,
        maintenance.panels,
    )
    for panel in module.PANELS
]


def phase_panels(plan, phase_slug: str, shown_keys, *, access=None) -> dict[str, list[ShownPanel]]:
    """The phase's panels with their data, by the key of the question each follows; those
    whose question is not among `shown_keys` (absent or not applicable) under ""."""
    placed: dict[str, list[ShownPanel]] = {}
    for panel in PANELS:
        if panel.phase_slug != phase_slug:
            continue
        data = panel.build(plan, access=access)
        if data is None:
            continue
        key = panel.after_question if panel.after_question in shown_keys else ""
        placed.setdefault(key, []).append(ShownPanel(panel=panel, data=data))
    return placed
