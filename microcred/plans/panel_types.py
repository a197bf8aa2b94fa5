"""What the apps' panels.py list (see panels.py, the registry, which imports them): the
panels shown after a question of a phase, and the sections of a plan's dashboard."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

from .models import Plan, ReviewRound
from .permissions import PlanAccess
from .readiness import PlanFacts
from .selectors import review_rounds


class PanelBuilder(Protocol):
    """What a panel's templates get as `panel.data`, or None to show nothing. `access` is
    the viewer's PlanAccess on the page and None in the PDF (which every reader sees);
    `facts`, the plan's PlanFacts when the page has read them already."""

    def __call__(
        self, plan: Plan, /, *, access: PlanAccess | None = None, facts: PlanFacts | None = None
    ) -> dict[str, Any] | None: ...


class PanelContent(Protocol):
    """What a panel shows on the phase page, as far as the key of its cached copy needs
    to know (the same value, the same content): for a panel worked out from a few tables,
    their stamps, so that it is rendered again only when they change."""

    def __call__(self, facts: PlanFacts, /, *, access: PlanAccess) -> object: ...


@dataclass(frozen=True)
class Panel:
    name: str  # "planning.roi": unique, also the panel's HTML id ("panel-planning-roi")
    phase_slug: str
    # The question the panel follows; at the end of the phase when the plan's template
    # version has no such question or it does not apply.
    after_question: str
    page_template: str
    pdf_template: str
    build: PanelBuilder
    # On the phase page, the form elements that the panel's buttons belong to (by their
    # form attribute): rendered outside the page's answers form, which must not send them.
    forms_template: str = ""
    # Without it, the page renders the panel again after every change of the plan.
    content_key: PanelContent | None = None

    @property
    def html_id(self) -> str:
        return "panel-" + self.name.replace(".", "-").replace("_", "-")


@dataclass
class Dashboard:
    """What a dashboard section is built from: the plan as one viewer sees it, today, and
    the plan's review rounds, read once for every section that shows them."""

    plan: Plan
    access: PlanAccess
    today: datetime.date

    @cached_property
    def review_rounds(self) -> list[ReviewRound]:
        return review_rounds(self.plan)


@dataclass(frozen=True)
class DashboardSection:
    """What an app adds to a plan's dashboard from its own data (exports, reviews due, the
    review state): a part above the phases (`top_template`), one in the column beside
    them (`side_template`), or both, each given `panel.data`."""

    name: str
    # The templates' `panel.data`; None shows nothing.
    build: Callable[[Dashboard], dict[str, Any] | None]
    top_template: str = ""
    side_template: str = ""
    # What the section shows that changes without stamping the plan (a worker finishing an
    # export): part of the cached dashboard's key (by its repr), read on every request.
    state: Callable[[Plan], object] | None = None


PanelOrSection = TypeVar("PanelOrSection", Panel, DashboardSection)


@dataclass
class ShownPanel(Generic[PanelOrSection]):
    """A panel or a dashboard section with what its templates show (`panel.data`)."""

    panel: PanelOrSection
    data: dict[str, Any] = field(default_factory=dict)
