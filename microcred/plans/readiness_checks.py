"""Every phase app's readiness checks, listed by plain imports, and what they find."""

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


def readiness_by_phase(plan) -> dict[str, list[ReadinessProblem]]:
    """The plan's readiness problems by the slug of the phase where each is fixed."""
    by_phase: dict[str, list[ReadinessProblem]] = {}
    for problem in plan_readiness(plan):
        by_phase.setdefault(problem.phase, []).append(problem)
    return by_phase
