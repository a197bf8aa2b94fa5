"""Plans of a portfolio, with the rows their figures and next review are worked out from,
written directly (as records_helpers.make_row does)."""

import datetime
from decimal import Decimal

from maintenance.models import ReviewCycle
from microcred.plans.models import Plan
from planning.models import PLAN_YEARS, CandidateForecast, CostLine, PriceTier
from tests.planning.records_helpers import make_row

ORGANIZATION = "Acme College"
OTHER_ORGANIZATION = "Borealis University"


def question(plan: Plan, record_type: str):
    return plan.template_version.questions.get(record_type=record_type)


def add_business_case(
    plan: Plan,
    *,
    price: str = "200",
    candidates: int = 100,
    yearly_cost: str = "5000",
    development_cost: str = "30000",
    review_due: datetime.date | None = None,
) -> Plan:
    """One price tier, a forecast of `candidates` every year, a yearly cost and a
    development cost in year 1, in the plan's currency; a review cycle first due on
    `review_due` (none without)."""
    currency = plan.currency
    tier = make_row(
        PriceTier,
        plan=plan,
        question=question(plan, "planning.price_tiers"),
        name="Standard",
        audience=PriceTier.Audience.NON_MEMBER,
        price=Decimal(price),
        currency=currency,
    )
    forecast_question = question(plan, "planning.candidate_forecast")
    for year in range(1, PLAN_YEARS + 1):
        make_row(
            CandidateForecast,
            plan=plan,
            question=forecast_question,
            year=year,
            price_tier=tier,
            candidates=candidates,
        )
    cost_question = question(plan, "planning.cost_lines")
    make_row(
        CostLine,
        plan=plan,
        question=cost_question,
        item="Running",
        category=CostLine.Category.YEARLY_RUNNING,
        amount=Decimal(yearly_cost),
        currency=currency,
        every_year=True,
    )
    make_row(
        CostLine,
        plan=plan,
        question=cost_question,
        item="Development",
        category=CostLine.Category.DEVELOPMENT,
        amount=Decimal(development_cost),
        currency=currency,
        year=1,
    )
    if review_due is not None:
        make_row(
            ReviewCycle,
            plan=plan,
            question=question(plan, "maintenance.review_cycles"),
            name="Content review",
            area=ReviewCycle.Area.CONTENT,
            every_months=12,
            first_due=review_due,
        )
    return plan


def five_year_net(
    *, price="200", candidates=100, yearly_cost="5000", development_cost="30000"
) -> Decimal:
    revenue = Decimal(price) * candidates * PLAN_YEARS
    return revenue - Decimal(yearly_cost) * PLAN_YEARS - Decimal(development_cost)
