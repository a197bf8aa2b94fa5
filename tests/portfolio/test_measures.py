"""A plan's measures in the portfolio are those its own pages show: the ROI panel's
figures, the dashboard's readiness and progress, the review calendar's next review."""

import pytest
from django.utils import timezone

from maintenance.calendar import plan_review_cycles, reviews_due_for_dashboard
from microcred.plans.progress import phase_progress
from microcred.plans.readiness import PlanFacts
from microcred.plans.readiness_checks import readiness_by_phase
from microcred.portfolio.selectors import BusinessCase, portfolio
from planning.figures import money_display, percent_display
from planning.key_figures import price_per_candidate
from planning.panels import roi_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_row(demo_plan):
    (row,) = portfolio(demo_plan.organization).rows
    return row


def test_the_demo_plans_figures_are_the_roi_panels(demo_plan, demo_row):
    panel = roi_panel(demo_plan)
    measures = demo_row.measures
    assert measures.business_case == BusinessCase.WORKED_OUT
    assert panel["total"].label == "5 years"
    assert money_display(measures.five_year_net, "USD") == panel["total"].net == "319,575.00 USD"
    assert panel["break_even"] == (
        f"Break-even in year {measures.break_even_year}, month {measures.break_even_month}."
    )
    assert (measures.break_even_year, measures.break_even_month) == (2, 10)
    assert f"{percent_display(measures.roi_5_years)} over 5 years" in panel["roi"]
    assert percent_display(measures.roi_5_years) == "81.9%"


def test_the_demo_plans_price_range_is_its_key_figures(demo_plan, demo_row):
    measures = demo_row.measures
    low, high = (money_display(price, "USD") for price in (measures.price_low, measures.price_high))
    assert price_per_candidate(PlanFacts(demo_plan)) == f"{low.removesuffix(' USD')} to {high}"


def test_the_demo_plans_readiness_and_progress_are_its_dashboards(demo_plan, demo_row):
    readiness = readiness_by_phase(demo_plan)
    progress = phase_progress([demo_plan])[demo_plan.pk]
    assert [
        (phase.slug, phase.answered, phase.total, phase.problems)
        for phase in demo_row.measures.phases
    ] == [
        (step.phase.slug, step.answered, step.total, len(readiness.get(step.phase.slug, ())))
        for step in progress
    ]
    assert demo_row.is_ready == (not readiness)


def test_the_demo_plans_next_review_is_its_dashboards(demo_plan, demo_row):
    today = timezone.localdate()
    (first, *_) = reviews_due_for_dashboard(demo_plan, today=today).reviews
    assert plan_review_cycles(demo_plan).exists()
    assert (demo_row.measures.next_review_due, demo_row.measures.next_review_name) == (
        first.due,
        first.cycle.name,
    )


def test_a_plan_without_rows_is_not_worked_out(plan):
    (row,) = portfolio(plan.organization).rows
    assert row.measures.business_case == BusinessCase.MISSING_TABLES
    assert row.measures.five_year_net is None
    assert row.measures.price_low is None
    assert row.measures.next_review_due is None
