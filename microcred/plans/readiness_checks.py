"""Every phase app's readiness checks, listed by plain imports, and what they find."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.text import Truncator

import delivery.readiness
import design.readiness
import maintenance.readiness
import marketing.readiness
import operations.readiness
import planning.readiness
from microcred.questionnaires.models import Phase, Question

from .models import Plan
from .readiness import PlanFacts, ReadinessCheck, ReadinessProblem, preloaded_plan_facts
from .selectors import hidden_questions, unanswered_required_questions

CHECK_MODULES = (
    planning.readiness,
    marketing.readiness,
    operations.readiness,
    design.readiness,
    delivery.readiness,
    maintenance.readiness,
)


CHECKS: list[ReadinessCheck] = [check for module in CHECK_MODULES for check in module.CHECKS]


def plan_readiness(plan: Plan, *, facts: PlanFacts | None = None) -> list[ReadinessProblem]:
    """Every problem the phase apps' checks find in the plan, in phase app order; `facts`:
    the plan's, when the caller reads them for more than this."""
    facts = facts or PlanFacts(plan)
    return [problem for check in CHECKS for problem in check(facts)]


# The checks read a dozen tables; pages that show their outcome read it from the cache
# while the plan is unchanged. Every change to answers or rows (and a move to another
# version) stamps the plan's updated_at, which is part of the key.
READINESS_CACHE_SECONDS = 24 * 60 * 60


def cached_plan_readiness(plan: Plan, *, facts: PlanFacts | None = None) -> list[ReadinessProblem]:
    """plan_readiness(plan), computed once per change of the plan."""
    key = f"readiness:{plan.pk}:{plan.template_version_id}:{plan.updated_at.isoformat()}"
    problems: list[ReadinessProblem] | None = cache.get(key)
    if problems is None:
        problems = plan_readiness(plan, facts=facts)
        cache.set(key, problems, READINESS_CACHE_SECONDS)
    return problems


def required_answer_problems(missing: Iterable[Question]) -> list[ReadinessProblem]:
    """The unanswered required questions (those that apply, in reading order) as one
    readiness problem per phase, which links to the first of them."""
    by_phase: dict[str, list[Question]] = {}
    for question in missing:
        by_phase.setdefault(question.phase.slug, []).append(question)
    problems = []
    for slug, questions in by_phase.items():
        first = Truncator(questions[0].text).words(12)
        message = (
            f"Answer the required question “{first}”."
            if len(questions) == 1
            else f"Answer the {len(questions)} required questions left, starting with “{first}”."
        )
        problems.append(
            ReadinessProblem(phase=slug, message=message, question_key=questions[0].key)
        )
    return problems


def readiness_by_phase(
    plan: Plan, *, missing: Iterable[Question] | None = None, facts: PlanFacts | None = None
) -> dict[str, list[ReadinessProblem]]:
    """What keeps each phase of the plan from being ready, by the slug of the phase where
    it is fixed: its unanswered required questions that apply (one problem per phase), then
    what the phase apps' checks find. A phase with none is ready. Every page that shows
    readiness, and submitting, read it here. `missing`: the unanswered required questions,
    when the caller has them already (unanswered_required_questions(plan)); `facts`, the
    plan's PlanFacts when the caller reads them too."""
    if missing is None:
        missing = unanswered_required_questions(plan)
    by_phase: dict[str, list[ReadinessProblem]] = {}
    for problem in [*required_answer_problems(missing), *cached_plan_readiness(plan, facts=facts)]:
        by_phase.setdefault(problem.phase, []).append(problem)
    return by_phase


def readiness_by_phase_of_plans(
    plans: Iterable[Plan],
) -> tuple[dict[int, dict[str, list[ReadinessProblem]]], dict[int, PlanFacts]]:
    """readiness_by_phase of every plan, by plan id, in a fixed number of queries
    whatever the number of plans (preloaded_plan_facts), with the PlanFacts it read, for
    whatever else the caller works out from them (the figures)."""
    plans = list(plans)
    facts = preloaded_plan_facts(plans)
    required: dict[int, list[Question]] = {}
    for question in (
        Question.objects.filter(
            version_id__in={plan.template_version_id for plan in plans}, required=True
        )
        .select_related("phase")
        .order_by("phase__order", "order")
    ):
        required.setdefault(question.version_id, []).append(question)
    by_plan = {}
    for plan in plans:
        plan_facts = facts[plan.pk]
        hidden = hidden_questions(plan)  # kept with the plan by preloaded_plan_facts
        missing = [
            question
            for question in required.get(plan.template_version_id, [])
            if question.pk not in hidden and plan_facts.answer(question.key) is None
        ]
        by_plan[plan.pk] = readiness_by_phase(plan, missing=missing, facts=plan_facts)
    return by_plan, facts


def readiness_problems(by_phase: dict[str, list[ReadinessProblem]]) -> list[ReadinessProblem]:
    """Every problem of readiness_by_phase, in one list."""
    return [problem for problems in by_phase.values() for problem in problems]


@dataclass(frozen=True)
class PhaseReadiness:
    phase: Phase
    problems: tuple[ReadinessProblem, ...] = ()


@dataclass(frozen=True)
class PlanReadiness:
    """readiness_by_phase for every phase of the plan's version, in order, ready ones
    included: what the submit and decision pages list (readiness_of_every_phase)."""

    phases: tuple[PhaseReadiness, ...]

    @property
    def problems(self) -> list[ReadinessProblem]:
        return [problem for phase in self.phases for problem in phase.problems]

    @property
    def phases_not_ready(self) -> int:
        return sum(1 for phase in self.phases if phase.problems)

    @property
    def is_ready(self) -> bool:
        return not self.phases_not_ready


def readiness_of_every_phase(
    plan: Plan, *, missing: Iterable[Question] | None = None
) -> PlanReadiness:
    by_phase = readiness_by_phase(plan, missing=missing)
    return PlanReadiness(
        phases=tuple(
            PhaseReadiness(phase=phase, problems=tuple(by_phase.get(phase.slug, ())))
            for phase in Phase.objects.filter(version_id=plan.template_version_id).order_by("order")
        )
    )
