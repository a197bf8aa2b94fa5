"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

from collections.abc import Callable, Iterable
from decimal import Decimal

from microcred.questionnaires.kinds import money_text
from microcred.records.cells import Column
from microcred.records.models import PlanRecord
from microcred.records.types import Figure, RecordType, amounts_by_currency

from .forms import (
    CandidateForecastForm,
    CompetitorForm,
    CostLineForm,
    PriceTierForm,
    StakeholderForm,
)
from .models import PLAN_YEARS, CandidateForecast, Competitor, CostLine, PriceTier, Stakeholder


def price_ranges(rows: Iterable[PlanRecord], *, label: str) -> list[Figure]:
    """One figure per currency: the lowest to the highest price."""
    figures = []
    for currency, amounts in amounts_by_currency(rows, field="price").items():
        low, high = min(amounts), max(amounts)
        value = money_text(low, currency)
        if high != low:
            value = f"{low:,.2f} to {money_text(high, currency)}"
        figures.append(Figure(label=f"{label} in {currency}", value=value))
    return figures


def choice_or_other(choice_field: str, other_field: str) -> Callable[[PlanRecord], str]:
    """A cell showing the chosen option, or the planner's own words when it is Other."""

    def text(row: PlanRecord) -> str:
        if getattr(row, choice_field) == "other":
            return getattr(row, other_field)
        return str(getattr(row, f"get_{choice_field}_display")())

    return text


def stakeholder_figures(rows: list[Stakeholder]) -> list[Figure]:
    internal = sum(row.side == Stakeholder.Side.INTERNAL for row in rows)
    return [
        Figure(label="Internal stakeholders", value=f"{internal:,}"),
        Figure(label="External stakeholders", value=f"{len(rows) - internal:,}"),
    ]


def price_tier_figures(rows: list[PriceTier]) -> list[Figure]:
    figures = price_ranges(rows, label="Prices")
    seats = sum(row.seats or 0 for row in rows)
    if seats:
        figures.append(Figure(label="Seats in organization licences", value=f"{seats:,}"))
    return figures


def cost_line_total(line: CostLine) -> Decimal:
    """What a cost line costs over the plan's years."""
    return line.amount * PLAN_YEARS if line.every_year else line.amount


def cost_line_figures(rows: list[CostLine]) -> list[Figure]:
    """One figure per currency: what the lines cost over the plan's years."""
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.currency] = totals.get(row.currency, Decimal(0)) + cost_line_total(row)
    return [
        Figure(
            label=f"Cost over {PLAN_YEARS} years in {currency}", value=money_text(total, currency)
        )
        for currency, total in totals.items()
    ]


def candidate_forecast_figures(rows: list[CandidateForecast]) -> list[Figure]:
    by_year: dict[int, int] = {}
    for row in rows:
        by_year[row.year] = by_year.get(row.year, 0) + row.candidates
    return [
        Figure(label=f"Candidates in year {year}", value=f"{by_year[year]:,}")
        for year in sorted(by_year)
    ]


def cost_line_year(row: CostLine) -> str:
    return "Every year" if row.every_year else f"Year {row.year}"


# The arg-type errors ignored below: RecordType and Column take functions of any
# PlanRecord, not of their own model's rows (records.types is not generic in the model).
STAKEHOLDERS = RecordType(
    name="planning.stakeholders",
    label="Stakeholders",
    model=Stakeholder,
    form=StakeholderForm,
    columns=[
        "name",
        "side",
        "interest",
        Column(
            heading="How consulted", value=choice_or_other("consultation", "consultation_other")
        ),
        "consulted_from",
        "consulted_until",
    ],
    empty_text="Add each group with a stake in the microcredential and how you will consult "
    "them, so that no one's input is missed.",
    row_name="stakeholder",
    figures=stakeholder_figures,
)

COMPETITORS = RecordType(
    name="planning.competitors",
    label="Competitors",
    model=Competitor,
    form=CompetitorForm,
    columns=["name", "offering", Column(field="price", currency="currency"), "how_we_win"],
    empty_text="Add each credential or course your candidates could choose instead, with "
    "its price and how you will win against it.",
    row_name="competitor",
    figures=lambda rows: price_ranges(rows, label="Competitor prices"),
)

PRICE_TIERS = RecordType(
    name="planning.price_tiers",
    label="Price tiers",
    model=PriceTier,
    form=PriceTierForm,
    columns=[
        "name",
        Column(heading="Audience", value=choice_or_other("audience", "audience_other")),
        Column(field="price", currency="currency"),
        "seats",
        "valid_from",
        "valid_to",
    ],
    empty_text="Add each price you will charge, for whom and from when, so that marketing "
    "and the ROI can be planned on real figures.",
    row_name="price tier",
    figures=price_tier_figures,
)

COST_LINES = RecordType(
    name="planning.cost_lines",
    label="Cost lines",
    model=CostLine,
    form=CostLineForm,
    columns=[
        "item",
        Column(heading="Category", value=choice_or_other("category", "category_other")),
        Column(field="amount", currency="currency"),
        Column(heading="Year", value=cost_line_year),
    ],
    empty_text="Add each cost of developing, running and marketing the microcredential, "
    "with the year it falls in, so that break-even and ROI are worked out from it. "
    "Marketing channels' budgets are counted already: do not add them here.",
    row_name="cost line",
    figures=cost_line_figures,
)

CANDIDATE_FORECAST = RecordType(
    name="planning.candidate_forecast",
    label="Candidate forecast",
    model=CandidateForecast,
    form=CandidateForecastForm,
    columns=["year", "price_tier", "candidates"],
    empty_text="Add how many candidates you expect each year at each price tier, so that "
    "revenue, break-even and ROI are worked out from it.",
    row_name="candidate forecast",
    figures=candidate_forecast_figures,
    # A committee reads the forecast as a grid of tiers by year, with totals.
    pdf_template="planning/records/_candidate_forecast_grid.html",
)

RECORD_TYPES: list[RecordType] = [
    STAKEHOLDERS,
    COMPETITORS,
    PRICE_TIERS,
    COST_LINES,
    CANDIDATE_FORECAST,
]
