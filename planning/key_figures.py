"""The plan's business case in a few figures, for the report's executive summary: the
price per candidate, break-even, ROI and net present value (planning/figures.py)."""

from dataclasses import dataclass
from decimal import Decimal

from microcred.plans.readiness import PlanFacts

from .charts import no_break_even_within
from .figures import figures_from_facts, money_display
from .panels import (
    CANDIDATE_FORECAST,
    COST_LINES,
    PRICE_TIERS,
    forecast_span,
    missing_tables,
    no_forecast_words,
    rate_display,
    roi_text,
)

NOT_WORKED_OUT = (
    "Not worked out yet: the plan lacks price tiers, a candidate forecast or costs "
    "(see Strategic Planning)."
)


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str


def candidate_price_range(facts: PlanFacts) -> tuple[Decimal, Decimal] | None:
    """The lowest and the highest price a candidate pays, in the plan's currency (a
    licence's price shared among its seats); None without price tiers in it."""
    currency = facts.plan.currency
    prices = [
        tier.price / (tier.seats or 1)
        for tier in facts.records(PRICE_TIERS)
        if tier.currency == currency
    ]
    return (min(prices), max(prices)) if prices else None


def price_per_candidate(facts: PlanFacts) -> str:
    """candidate_price_range in words: "195.00 to 395.00 USD"."""
    currency = facts.plan.currency
    prices = candidate_price_range(facts)
    if prices is None:
        return "No price tiers yet."
    low, high = (money_display(price, currency) for price in prices)
    return low if low == high else f"{low.removesuffix(f' {currency}')} to {high}"


def key_figures(facts: PlanFacts) -> list[KeyFigure]:
    """The figures a committee looks for first; none for a plan whose template version
    asks for neither the forecast nor the cost lines."""
    if not (facts.asks(CANDIDATE_FORECAST) or facts.asks(COST_LINES)):
        return []
    found = [KeyFigure("Price per candidate", price_per_candidate(facts))]
    if missing_tables(facts):
        return [*found, KeyFigure("Break-even and ROI", NOT_WORKED_OUT)]
    figures = figures_from_facts(facts)
    break_even = figures.break_even
    found += [
        KeyFigure(
            "Break-even",
            f"Year {break_even.year}, month {break_even.month}"
            if break_even
            else f"None {no_break_even_within(figures)}",
        ),
        KeyFigure("Return on investment", roi_text(figures)),
        KeyFigure(
            "Net present value",
            f"{money_display(figures.npv, figures.currency)} over the "
            f"{forecast_span(figures)} at a {rate_display(facts.plan.discount_rate)} "
            "discount rate",
        ),
    ]
    found += [KeyFigure("Forecast", words) for words in no_forecast_words(figures)]
    return found
