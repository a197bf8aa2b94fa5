"""This phase's readiness checks (see plans/readiness.py)."""

from microcred.plans.readiness import PlanFacts, ReadinessCheck, ReadinessProblem, problem

from .apps import MarketingConfig

CHANNELS = "marketing.channels"
# Strategic Planning's table, named as the record types' registry names it.
PRICE_TIERS = "planning.price_tiers"


def check_channel_segments(facts: PlanFacts) -> list[ReadinessProblem]:
    unnamed = [str(channel) for channel in facts.records(CHANNELS) if channel.segment_id is None]
    if not unnamed:
        return []
    return [
        ReadinessProblem(
            phase=MarketingConfig.phase_slug,
            message="Choose the audience segment that each of these channels reaches: "
            + ", ".join(f"“{name}”" for name in unnamed)
            + ".",
            question_key=facts.question_for(CHANNELS),
        )
    ]


def check_budget_has_prices(facts: PlanFacts) -> list[ReadinessProblem]:
    if not facts.asks(PRICE_TIERS) or facts.records(PRICE_TIERS):
        return []
    if not any(channel.budget for channel in facts.records(CHANNELS)):
        return []
    return [
        problem(
            app_label="planning",
            message="Marketing channels have a budget but the plan has no price: add at "
            "least one price tier, so that the spending can be weighed against revenue.",
            question_key=facts.question_for(PRICE_TIERS),
        )
    ]


CHECKS: list[ReadinessCheck] = [check_channel_segments, check_budget_has_prices]
