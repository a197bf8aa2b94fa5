"""Panels: what a phase app computes from the plan's records (a cost and ROI table, a
review calendar, item statistics) and shows after one of its phase's questions, on the
phase page and in the PDF. Listed by plain imports, like the record types."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    name: str  # "planning.roi": unique, also the panel's HTML id ("panel-planning-roi")
    phase_slug: str
    # The question the panel follows; at the end of the phase when the plan's template
    # version has no such question or it does not apply.
    after_question: str
    page_template: str
    pdf_template: str
    # What the templates get as `panel.data`; None shows nothing. `access` is the viewer's
    # PlanAccess on the page and None in the PDF (which every reader of the plan sees).
    build: Callable[..., dict | None]
    # Rendered on the page after the phase's answers form, for the panel's own <form>
    # elements (forms cannot nest; the panel's inputs name theirs with form="…").
    forms_template: str = ""

    @property
    def html_id(self) -> str:
        return "panel-" + self.name.replace(".", "-").replace("_", "-")


@dataclass
class ShownPanel:
    panel: Panel
    data: dict = field(default_factory=dict)


# After Panel: each phase app's panels.py imports it from here.
import delivery.panels  # noqa: E402
import design.panels  # noqa: E402
import maintenance.panels  # noqa: E402
import marketing.panels  # noqa: E402
import operations.panels  # noqa: E402
import planning.panels  # noqa: E402

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
