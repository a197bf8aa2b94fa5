"""What an export of a plan contains, the same for every format (PDF, Word, JSON): the
options a plan's members chose last, remembered per plan (ExportSettings); and the page
size both the PDF and the Word document are laid out for (`paper_of`)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from django.conf import settings

from microcred.plans.models import Plan

from .models import ExportSettings, PageSize


@dataclass(frozen=True)
class ExportOptions:
    # The slugs of the phases to include, in no particular order; None: every phase of
    # the plan's template version (so a phase it gains later is included too).
    phase_slugs: frozenset[str] | None = None
    include_unanswered: bool = True
    # The appendix of review rounds (with the submitters' notes) and open comments.
    include_appendix: bool = True
    # Answers kept from earlier template versions (plans.selectors.archived_answers).
    include_archived: bool = True
    # The paper the PDF and the Word document are laid out for (a PageSize value): how
    # they look, not what they contain, so no description names it.
    page_size: str = PageSize.AUTOMATIC

    @property
    def is_default(self) -> bool:
        return self == DEFAULT_OPTIONS

    def includes_phase(self, slug: str) -> bool:
        return self.phase_slugs is None or slug in self.phase_slugs

    def description(self, phases: Iterable) -> str:
        """The options that differ from the default, as the cover says them ("" for the
        default): "Phases: Strategic Planning, Delivery; without unanswered questions".
        `phases`: the plan's phases (with slug and title), in their order."""
        parts = []
        if self.phase_slugs is not None:
            titles = [phase.title for phase in phases if phase.slug in self.phase_slugs]
            parts.append("Phases: " + (", ".join(titles) or "none"))
        if not self.include_unanswered:
            parts.append("without unanswered questions")
        if not self.include_appendix:
            parts.append("without the review history and comments appendix")
        if not self.include_archived:
            parts.append("without archived answers")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]

    def as_json(self) -> dict:
        """The options as ReportExport.options and other formats' files keep them."""
        return {
            "phases": None if self.phase_slugs is None else sorted(self.phase_slugs),
            "include_unanswered": self.include_unanswered,
            "include_appendix": self.include_appendix,
            "include_archived": self.include_archived,
            "page_size": str(self.page_size),
        }

    @classmethod
    def from_json(cls, data: Mapping | None) -> "ExportOptions":
        """The options `as_json` gave; what is missing (an export made before options
        existed: {}) takes the default."""
        data = data or {}
        phases = data.get("phases")
        flags = {
            option.name: bool(data[option.name])
            for option in fields(cls)
            if option.name not in ("phase_slugs", "page_size") and option.name in data
        }
        page_size = data.get("page_size")
        return cls(
            phase_slugs=None if phases is None else frozenset(phases),
            page_size=page_size if page_size in PageSize.values else PageSize.AUTOMATIC,
            **flags,
        )


DEFAULT_OPTIONS = ExportOptions()


def export_options_of(plan) -> ExportOptions:
    """The options the plan's members saved last, or the default."""
    return options_of_settings(ExportSettings.objects.filter(plan=plan).first())


def options_of_settings(saved: ExportSettings | None) -> ExportOptions:
    """The options a plan's saved settings hold (None: none saved, the default)."""
    if saved is None:
        return DEFAULT_OPTIONS
    return ExportOptions(
        phase_slugs=None if saved.phase_slugs is None else frozenset(saved.phase_slugs),
        include_unanswered=saved.include_unanswered,
        include_appendix=saved.include_appendix,
        include_archived=saved.include_archived,
        page_size=saved.page_size,
    )


@dataclass(frozen=True)
class Paper:
    """A page size, as the PDF's stylesheet and the Word document's section say it."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def css_size(self) -> str:
        return f"{self.width_mm:g}mm {self.height_mm:g}mm"


A4 = Paper(name="A4", width_mm=210, height_mm=297)
LETTER = Paper(name="US Letter", width_mm=215.9, height_mm=279.4)
PAPERS = {PageSize.A4: A4, PageSize.LETTER: LETTER}
# The currencies of the countries whose usual office paper is US Letter rather than A4:
# the United States (and the territories and countries on its dollar that print on
# Letter), Canada, Mexico, the Philippines, Chile and Colombia.
LETTER_CURRENCIES = frozenset({"USD", "CAD", "MXN", "PHP", "CLP", "COP"})


def paper_of(*, plan: Plan, options: ExportOptions) -> Paper:
    """The page size of the plan's PDF and Word document: the one its export options
    chose; automatic, the site's REPORT_PAGE_SIZE when the operator set one, or else US
    Letter for a plan budgeted in the currency of a country that prints on Letter, and A4
    for every other."""
    chosen = PAPERS.get(PageSize(options.page_size)) or PAPERS.get(
        PageSize(settings.REPORT_PAGE_SIZE or PageSize.AUTOMATIC)
    )
    if chosen is not None:
        return chosen
    return LETTER if plan.currency in LETTER_CURRENCIES else A4
