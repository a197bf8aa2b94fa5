"""Filters, search, sorting, counts and totals: plain functions over rows."""

import datetime
from decimal import Decimal

from microcred.portfolio.selectors import (
    NOT_READY,
    READY,
    BusinessCase,
    Count,
    CurrencyTotal,
    PhaseStanding,
    PlanMeasures,
    PortfolioQuery,
    PortfolioRow,
    currency_totals,
    narrowed_rows,
    phase_readiness_counts,
    status_counts,
)

TODAY = datetime.date(2027, 3, 1)


def phase(name: str, order: int, problems: int = 0) -> PhaseStanding:
    return PhaseStanding(
        slug=name.lower(), name=name, order=order, answered=1, total=2, problems=problems
    )


def row(
    plan_id: int,
    title: str,
    *,
    status: str = "draft",
    owners: tuple[str, ...] = ("Olivia Owner",),
    version: int = 1,
    currency: str = "USD",
    net: str | None = None,
    roi: str | None = None,
    break_even: tuple[int, int] | None = None,
    review_in_days: int | None = None,
    problems: int = 0,
    updated_days_ago: int = 0,
) -> PortfolioRow:
    return PortfolioRow(
        plan_id=plan_id,
        url=f"/plans/{plan_id}/",
        title=title,
        organization="Acme College",
        status=status,
        status_label=status.replace("_", " ").capitalize(),
        owners=owners,
        template_version_id=version,
        template_version=f"Template (version {version})",
        currency=currency,
        updated_at=datetime.datetime(2027, 2, 1, tzinfo=datetime.UTC)
        - datetime.timedelta(days=updated_days_ago),
        measures=PlanMeasures(
            phases=(phase("Planning", 1), phase("Marketing", 2, problems)),
            next_review_due=None
            if review_in_days is None
            else TODAY + datetime.timedelta(days=review_in_days),
            next_review_name="Content review" if review_in_days is not None else "",
            business_case=BusinessCase.WORKED_OUT if net else BusinessCase.MISSING_TABLES,
            five_year_net=Decimal(net) if net else None,
            roi_5_years=Decimal(roi) if roi else None,
            break_even_year=break_even[0] if break_even else None,
            break_even_month=break_even[1] if break_even else None,
        ),
    )


ROWS = [
    row(1, "Cloud basics", status="approved", net="1000", roi="0.5", break_even=(2, 3),
        review_in_days=10, updated_days_ago=3),
    row(2, "accessibility", status="in_review", owners=("Bea Builder",), version=2,
        net="-500", roi="-0.1", review_in_days=-5, problems=2, updated_days_ago=1),
    row(3, "Blockchain", currency="EUR", net="2000", roi="0.9", break_even=(1, 11),
        review_in_days=90, updated_days_ago=2),
    row(4, "Data literacy", status="changes_requested", problems=1, updated_days_ago=0),
]  # fmt: skip


def titles(query: PortfolioQuery) -> list[str]:
    return [found.title for found in narrowed_rows(ROWS, query, today=TODAY)]


def test_search_finds_titles_whatever_their_case():
    assert titles(PortfolioQuery(search="  B", sort="title")) == [
        "accessibility",
        "Blockchain",
        "Cloud basics",
    ]


def test_filters_by_status_owner_version_and_readiness():
    assert titles(PortfolioQuery(status="approved")) == ["Cloud basics"]
    assert titles(PortfolioQuery(owner="Bea Builder")) == ["accessibility"]
    assert titles(PortfolioQuery(template_version_id=2)) == ["accessibility"]
    assert titles(PortfolioQuery(readiness=READY, sort="title")) == ["Blockchain", "Cloud basics"]
    assert titles(PortfolioQuery(readiness=NOT_READY, sort="title")) == [
        "accessibility",
        "Data literacy",
    ]


def test_a_review_due_within_days_includes_overdue_ones():
    assert titles(PortfolioQuery(review_due_within_days=10, sort="title")) == [
        "accessibility",
        "Cloud basics",
    ]
    assert titles(PortfolioQuery(review_due_within_days=0)) == ["accessibility"]


def test_sorting():
    assert titles(PortfolioQuery(sort="title")) == [
        "accessibility",
        "Blockchain",
        "Cloud basics",
        "Data literacy",
    ]
    assert titles(PortfolioQuery(sort="updated")) == [
        "Data literacy",
        "accessibility",
        "Blockchain",
        "Cloud basics",
    ]
    assert titles(PortfolioQuery(sort="status")) == [
        "Blockchain",  # draft
        "Data literacy",  # changes requested
        "accessibility",  # in review
        "Cloud basics",  # approved
    ]
    # Highest first, those without a figure last.
    assert titles(PortfolioQuery(sort="five_year_net")) == [
        "Blockchain",
        "Cloud basics",
        "accessibility",
        "Data literacy",
    ]
    assert titles(PortfolioQuery(sort="roi"))[0] == "Blockchain"
    assert titles(PortfolioQuery(sort="break_even")) == [
        "Blockchain",
        "Cloud basics",
        "accessibility",
        "Data literacy",
    ]
    assert titles(PortfolioQuery(sort="next_review")) == [
        "accessibility",
        "Cloud basics",
        "Blockchain",
        "Data literacy",
    ]


def test_an_unknown_sort_sorts_by_last_update():
    assert titles(PortfolioQuery(sort="nonsense")) == titles(PortfolioQuery(sort="updated"))


def test_totals_per_currency_are_never_converted():
    assert currency_totals(ROWS) == [
        CurrencyTotal(currency="EUR", plans=1, with_five_year_net=1, five_year_net=Decimal(2000)),
        CurrencyTotal(currency="USD", plans=3, with_five_year_net=2, five_year_net=Decimal(500)),
    ]


def test_counts_by_status_and_by_phase_readiness():
    assert status_counts(ROWS) == [
        Count("Draft", 1, 4),
        Count("Changes requested", 1, 4),
        Count("In review", 1, 4),
        Count("Approved", 1, 4),
    ]
    assert phase_readiness_counts(ROWS) == [Count("Planning", 4, 4), Count("Marketing", 2, 4)]
