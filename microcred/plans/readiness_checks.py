"""Every phase app's readiness checks, listed by plain imports, and what they find."""

from collections.abc import Iterable

from django.core.cache import cache
from django.utils.text import Truncator

import delivery.readiness
import design.readiness
import maintenance.readiness
import marketing.readiness
import operations.readiness
import planning.readiness
from microcred.questionnaires.models import Question

from .models import Plan
from .readiness import PlanFacts, ReadinessCheck, ReadinessProblem

CHECK_MODULES = (
    planning.readiness,
    marketing.readiness,
    operations.readiness,
    design.readiness,
    delivery.readiness,
    maintenance.readiness,
)


CHECKS: list[ReadinessCheck] = [check for module in CHECK_MODULES for check in module.CHECKS]


def plan_readiness(plan: Plan) -> list[ReadinessProblem]:
    """Every problem the phase apps' checks find in the plan, in phase app order."""
    facts = PlanFacts(plan)
    return [problem for check in CHECKS for problem in check(facts)]


# The checks read a dozen tables; pages that show their outcome read it from the cache
# while the plan is unchanged. Every change to answers or rows (and a move to another
# version) stamps the plan's updated_at, which is part of the key.
READINESS_CACHE_SECONDS = 24 * 60 * 60


def cached_plan_readiness(plan: Plan) -> list[ReadinessProblem]:
    """plan_readiness(plan), computed once per change of the plan."""
    key = f"readiness:{plan.pk}:{plan.template_version_id}:{plan.updated_at.isoformat()}"
    problems: list[ReadinessProblem] | None = cache.get(key)
    if problems is None:
        problems = plan_readiness(plan)
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
    plan: Plan, *, missing: Iterable[Question] = ()
) -> dict[str, list[ReadinessProblem]]:
    """The plan's readiness problems by the slug of the phase where each is fixed: its
    unanswered required questions (`missing`, as the page lists them), then what the
    phase apps' checks find."""
    by_phase: dict[str, list[ReadinessProblem]] = {}
    for problem in [*required_answer_problems(missing), *cached_plan_readiness(plan)]:
        by_phase.setdefault(problem.phase, []).append(problem)
    return by_phase
