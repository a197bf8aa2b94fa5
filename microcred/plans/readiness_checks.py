"""Every phase app's readiness checks, listed by plain imports, and what they find."""

from django.core.cache import cache

import delivery.readiness
import design.readiness
import maintenance.readiness
import marketing.readiness
import operations.readiness
import planning.readiness

from .readiness import PlanFacts, ReadinessProblem

CHECK_MODULES = (
    planning.readiness,
    marketing.readiness,
    operations.readiness,
    design.readiness,
    delivery.readiness,
    maintenance.readiness,
)


def plan_readiness(plan) -> list[ReadinessProblem]:
    """Every problem the phase apps' checks find in the plan, in phase app order."""
    facts = PlanFacts(plan)
    return [
        problem for module in CHECK_MODULES for check in module.CHECKS for problem in check(facts)
    ]


# The checks read a dozen tables; pages that show their outcome read it from the cache
# while the plan is unchanged. Every change to answers or rows (and a move to another
# version) stamps the plan's updated_at, which is part of the key.
READINESS_CACHE_SECONDS = 24 * 60 * 60


def cached_plan_readiness(plan) -> list[ReadinessProblem]:
    """plan_readiness(plan), computed once per change of the plan."""
    key = f"readiness:{plan.pk}:{plan.template_version_id}:{plan.updated_at.isoformat()}"
    problems = cache.get(key)
    if problems is None:
        problems = plan_readiness(plan)
        cache.set(key, problems, READINESS_CACHE_SECONDS)
    return problems


def readiness_by_phase(plan) -> dict[str, list[ReadinessProblem]]:
    """The plan's readiness problems by the slug of the phase where each is fixed."""
    by_phase: dict[str, list[ReadinessProblem]] = {}
    for problem in cached_plan_readiness(plan):
        by_phase.setdefault(problem.phase, []).append(problem)
    return by_phase
