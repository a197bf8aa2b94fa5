"""The candidate forecast as a grid of price tiers by year, as the PDF shows it."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from microcred.records.registry import REGISTRY
from microcred.records.types import RecordTable
from planning.forecast_grid import ForecastGridRow, candidate_forecast_grid
from planning.models import CandidateForecast, PriceTier

HEADINGS = ["Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Total"]


def tier(name, position, pk) -> PriceTier:
    return PriceTier(
        pk=pk, name=name, audience="member", price=Decimal(100), currency="USD", position=position
    )


def forecast(year, price_tier, candidates) -> CandidateForecast:
    return CandidateForecast(year=year, price_tier=price_tier, candidates=candidates)


def test_tiers_by_year_with_the_totals_of_each_and_no_forecast_for_empty_years():
    member, non_member = tier("Member", 1, 7), tier("Non-member", 0, 9)
    grid = candidate_forecast_grid(
        [
            forecast(2, member, 1200),
            forecast(1, member, 60),
            forecast(1, non_member, 30),
            forecast(3, None, 5),  # its tier was deleted
        ]
    )
    assert grid.headings == HEADINGS
    # The tiers in their own order (Non-member is placed first), the tierless row last.
    assert grid.rows == [
        ForecastGridRow("Non-member", ["30", "–", "–", "–", "–", "30"]),
        ForecastGridRow("Member", ["60", "1,200", "–", "–", "–", "1,260"]),
        ForecastGridRow("No price tier (deleted)", ["–", "–", "5", "–", "–", "5"]),
    ]
    assert grid.totals == ForecastGridRow(
        "Total", ["90", "1,200", "5", "no forecast", "no forecast", "1,295"]
    )


@pytest.mark.django_db
def test_the_pdf_partial_escapes_the_tier_names(plan):
    question = plan.template_version.questions.get(key="candidate_forecast")
    record_set = RecordTable(
        record_type=REGISTRY["planning.candidate_forecast"],
        question=question,
        rows=[forecast(1, tier("<b>Members</b> & co", 0, 1), 10)],
    )
    html = render_to_string(record_set.record_type.pdf_template, {"record_set": record_set})
    assert "<caption>Expected candidates by price tier and year</caption>" in html
    assert '<th scope="row">&lt;b&gt;Members&lt;/b&gt; &amp; co</th>' in html
    assert "<b>" not in html
