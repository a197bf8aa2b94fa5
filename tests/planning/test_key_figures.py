"""The key figures of the report's executive summary, from the plan's rows."""

from decimal import Decimal

import pytest

from microcred.plans.readiness import PlanFacts
from planning.key_figures import NOT_WORKED_OUT, KeyFigure, key_figures
from planning.models import CandidateForecast, PriceTier
from tests.planning.records_helpers import save_demo_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_rows(plan):
    save_demo_rows(plan=plan, app_label="marketing")
    save_demo_rows(plan=plan, app_label="planning")
    return plan


def test_the_demo_rows_give_prices_per_candidate_break_even_roi_and_npv(demo_rows):
    # The licence's 2,507.50 pays for 10 seats: 250.75 a candidate, within 195 to 395.
    assert key_figures(PlanFacts(demo_rows)) == [
        KeyFigure("Price per candidate", "195.00 to 395.00 USD"),
        KeyFigure("Break-even", "Year 2, month 10"),
        KeyFigure("Return on investment", "40.7% over 3 years, 81.9% over 5 years"),
        KeyFigure("Net present value", "319,575.00 USD over the 5 years at a 0% discount rate"),
    ]


def test_a_forecast_for_years_1_to_3_says_where_the_figures_stop(demo_rows):
    CandidateForecast.objects.filter(plan=demo_rows, year__gt=3).delete()
    demo_rows.discount_rate = Decimal("6.5")
    # -102,255 / 1.065 + 127,890 / 1.065² + 102,190 / 1.065³
    assert key_figures(PlanFacts(demo_rows))[2:] == [
        KeyFigure(
            "Return on investment",
            "40.7% over 3 years, none over 5 years (the forecast stops at year 3)",
        ),
        KeyFigure(
            "Net present value",
            "101,339.22 USD over the years 1 to 3 at a 6.5% discount rate",
        ),
        KeyFigure(
            "Forecast",
            "No candidate forecast for years 4 and 5: their revenue is unknown, so the net, "
            "break-even, ROI and net present value stop at year 3.",
        ),
    ]


def test_without_a_forecast_the_figures_are_not_worked_out(demo_rows):
    CandidateForecast.objects.filter(plan=demo_rows).delete()
    PriceTier.objects.filter(plan=demo_rows).exclude(name="Member").delete()
    assert key_figures(PlanFacts(demo_rows)) == [
        KeyFigure("Price per candidate", "295.00 USD"),
        KeyFigure("Break-even and ROI", NOT_WORKED_OUT),
    ]


def test_a_version_without_the_forecast_and_cost_questions_has_none(plan):
    plan.template_version.questions.filter(key__in=["cost_lines", "candidate_forecast"]).delete()
    assert key_figures(PlanFacts(plan)) == []
