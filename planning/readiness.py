"""This phase's readiness checks (see plans/readiness.py)."""

from microcred.plans.readiness import PlanFacts, ReadinessCheck, ReadinessProblem

from .apps import PlanningConfig

PRICE_TIERS = "planning.price_tiers"


def check_price_tiers(facts: PlanFacts) -> list[ReadinessProblem]:
    if not facts.asks(PRICE_TIERS) or facts.records(PRICE_TIERS):
        return []
    return [
        ReadinessProblem(
            phase=PlanningConfig.phase_slug,
            message="Add at least one price tier: what candidates or organizations will pay.",
            question_key=facts.question_for(PRICE_TIERS),
        )
    ]


CHECKS: list[ReadinessCheck] = [check_price_tiers]
