"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

from collections.abc import Callable, Iterable
from decimal import Decimal

from microcred.plans.records import Column, Figure, RecordType

from .forms import CompetitorForm, PriceTierForm, StakeholderForm
from .models import Competitor, PriceTier, Stakeholder


def money_text(amount: Decimal, currency: str) -> str:
    """An amount as its cells show it: "1,250.00 USD"."""
    return f"{amount:,.2f} {currency}"


def amounts_by_currency(rows: Iterable, *, field: str) -> dict[str, list[Decimal]]:
    """The rows' amounts of a money field, by currency in the order they first appear;
    amounts in different currencies are never added together."""
    amounts: dict[str, list[Decimal]] = {}
    for row in rows:
        amount = getattr(row, field)
        if amount is not None:
            amounts.setdefault(row.currency, []).append(amount)
    return amounts


def price_ranges(rows, *, label: str) -> list[Figure]:
    """One figure per currency: the lowest to the highest price."""
    figures = []
    for currency, amounts in amounts_by_currency(rows, field="price").items():
        low, high = min(amounts), max(amounts)
        value = money_text(low, currency)
        if high != low:
            value = f"{low:,.2f} to {money_text(high, currency)}"
        figures.append(Figure(label=f"{label} in {currency}", value=value))
    return figures


def choice_or_other(choice_field: str, other_field: str) -> Callable:
    """A cell showing the chosen option, or the planner's own words when it is Other."""

    def text(row) -> str:
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

RECORD_TYPES = [STAKEHOLDERS, COMPETITORS, PRICE_TIERS]
