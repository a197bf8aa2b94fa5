"""What an export of a plan contains, the same for every format (PDF, Word, JSON): the
options a plan's members chose last, remembered per plan (ExportSettings)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from .models import ExportSettings


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
            if option.name != "phase_slugs" and option.name in data
        }
        return cls(phase_slugs=None if phases is None else frozenset(phases), **flags)


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
    )
