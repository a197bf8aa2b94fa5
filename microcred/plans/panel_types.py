"""What a phase app's panel is (see panels.py, which lists them): a module of its own, so
that phase apps can import it while the registry imports them."""

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

    @property
    def html_id(self) -> str:
        return "panel-" + self.name.replace(".", "-").replace("_", "-")


@dataclass
class ShownPanel:
    panel: Panel
    data: dict = field(default_factory=dict)
