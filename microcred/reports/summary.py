"""The report's executive summary, the page after the cover: the plan's key figures, each
phase's progress and readiness, and what is still open."""

from dataclasses import dataclass, field

from microcred.plans.readiness import PlanFacts
from microcred.plans.readiness_checks import readiness_by_phase
from microcred.questionnaires.models import Question
from microcred.questionnaires.selectors import flatten
from planning.key_figures import KeyFigure, key_figures

from .content import PhaseSection


@dataclass(frozen=True)
class PhaseSummary:
    number: int
    title: str
    answered: int
    total: int
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExecutiveSummary:
    key_figures: list[KeyFigure]
    phases: list[PhaseSummary]
    open_threads: int

    @property
    def problems(self) -> int:
        return sum(len(phase.problems) for phase in self.phases)


def unanswered_required(sections: list[PhaseSection]) -> list[Question]:
    """The required questions that apply and have no answer, in reading order."""
    return [
        item.question
        for section in sections
        for item in flatten(section.all_items or section.items)
        if item.question.required and item.value is None and not item.not_applicable
    ]


def executive_summary(plan, *, sections: list[PhaseSection], open_threads: int) -> ExecutiveSummary:
    """The summary of the report's phases (`sections`); `open_threads` counts the
    unresolved comment threads on them."""
    problems = readiness_by_phase(plan, missing=unanswered_required(sections))
    return ExecutiveSummary(
        key_figures=key_figures(PlanFacts(plan)),
        phases=[
            PhaseSummary(
                number=section.number,
                title=section.phase.title,
                answered=section.answered,
                total=section.total,
                problems=[problem.message for problem in problems.get(section.phase.slug, [])],
            )
            for section in sections
        ],
        open_threads=open_threads,
    )
