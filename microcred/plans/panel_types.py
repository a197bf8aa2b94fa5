"""What a phase app's panels.py lists (see panels.py), apart from the registry, which
imports the phase apps: they import this."""

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
    # On the phase page, the form elements that the panel's buttons belong to (by their
    # form attribute): rendered outside the page's answers form, which must not send them.
    forms_template: str = ""

    @property
    def html_id(self) -> str:
        return "panel-" + self.name.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class DashboardSection:
    """What a phase app adds to the plan's dashboard (beside its exports), from the
    plan's records: "Reviews due", for one."""

    name: str
    template: str
    # What the template gets as `panel.data` (given the plan and today); None: nothing.
    build: Callable[..., dict | None]


@dataclass
class ShownPanel:
    panel: Panel | DashboardSection
    data: dict = field(default_factory=dict)
