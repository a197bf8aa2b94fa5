"""This phase's readiness checks (see plans/readiness.py)."""

from .apps import PlanningConfig

PRICE_TIERS = "planning.price_tiers"


def problem(**kwargs):
    # Imported when called: plans.readiness imports this module before it defines
    # ReadinessProblem, so an import at the top would be circular.
    from microcred.plans.readiness import ReadinessProblem

    return ReadinessProblem(**kwargs)


def check_price_tiers(facts) -> list:
    if not facts.asks(PRICE_TIERS) or facts.records(PRICE_TIERS):
        return []
    return [
        problem(
            phase=PlanningConfig.phase_slug,
            message="Add at least one price tier: what candidates or organizations will pay.",
            question_key=facts.question_for(PRICE_TIERS),
        )
    ]


CHECKS = [check_price_tiers]
