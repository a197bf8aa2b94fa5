"""Cost, revenue and ROI worked out from a plan's rows, checked against sums done by hand."""

import datetime
from decimal import Decimal

import pytest

from marketing.models import Channel
from microcred.plans.readiness import PlanFacts
from planning.figures import (
    ZERO,
    BreakEven,
    figures_from_facts,
    money_display,
    npv,
    percent_display,
    plan_figures,
)
from planning.models import CandidateForecast, CostLine, PriceTier
from tests.planning.records_helpers import save_demo_rows


def tier(name="Member", price="100", currency="USD", **fields) -> PriceTier:
    return PriceTier(
        name=name, audience="member", price=Decimal(price), currency=currency, **fields
    )


def cost(amount, year=None, *, item="Cost", category="development", currency="USD"):
    """A cost line of one year, or of every year without `year`."""
    return CostLine(
        item=item,
        category=category,
        amount=Decimal(amount),
        currency=currency,
        year=year,
        every_year=year is None,
    )


def forecast(year, price_tier, candidates) -> CandidateForecast:
    return CandidateForecast(year=year, price_tier=price_tier, candidates=candidates)


def channel(budget, starts_on=None, *, name="Sponsored posts", currency="USD") -> Channel:
    return Channel(
        name=name,
        budget=None if budget is None else Decimal(budget),
        currency=currency,
        starts_on=starts_on,
    )


def usd_figures(**rows):
    """The figures of a plan whose currency is USD."""
    return plan_figures(currency="USD", **rows)


def column(figures, name) -> list[Decimal]:
    return [getattr(year, name) for year in figures.years]


def amounts(*values) -> list[Decimal]:
    return [Decimal(value) for value in values]


def test_a_plan_that_never_breaks_even():
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("10000", 1)],
        forecasts=[forecast(year, member, 10) for year in range(1, 6)],
    )
    assert column(figures, "revenue") == amounts(1000, 1000, 1000, 1000, 1000)
    assert column(figures, "cost") == amounts(10000, 0, 0, 0, 0)
    assert column(figures, "net") == amounts(-9000, 1000, 1000, 1000, 1000)
    assert column(figures, "cumulative_net") == amounts(-9000, -8000, -7000, -6000, -5000)
    assert figures.break_even is None
    # 3,000 of revenue against 10,000 of cost, then 5,000 against 10,000.
    assert (figures.roi_3_years, figures.roi_5_years) == (Decimal("-0.7"), Decimal("-0.5"))
    assert figures.npv == Decimal(-5000)
    assert (figures.currency, figures.refusals) == ("USD", [])


def test_a_loss_in_year_one_recovered_in_year_three():
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("100000", 1)],
        forecasts=[forecast(1, member, 400), forecast(2, member, 200), forecast(3, member, 600)],
        discount_rate=Decimal("0.1"),
    )
    assert column(figures, "net") == amounts(-60000, 20000, 60000, 0, 0)
    assert column(figures, "cumulative_net") == amounts(-60000, -40000, 20000, 20000, 20000)
    # Year 3 recovers the 40,000 still lost at its start with 60,000 of net: two thirds
    # of the year in, at the end of its 8th month.
    assert figures.break_even == BreakEven(year=3, month=8, point=2 + Decimal(8) / 12)
    # The forecast stops at year 3: no ROI over 5 years, whose revenue is unknown.
    assert (figures.forecast_until, figures.years_without_forecast) == (3, [4, 5])
    assert (figures.roi_3_years, figures.roi_5_years) == (Decimal("0.2"), None)
    # -60,000 / 1.1 + 20,000 / 1.21 + 60,000 / 1.331
    # = -54,545.4545 + 16,528.9256 + 45,078.8881 = 7,062.3591
    assert figures.discount_rate == Decimal("0.1")
    assert money_display(figures.npv, "USD") == "7,062.36 USD"
    assert npv(figures.years) == Decimal(20000)


@pytest.mark.parametrize(
    ("second_year_candidates", "month"),
    [(700, 7), (480, 10), (1200, 4), (50000, 1), (401, 12)],
)
def test_the_break_even_month_is_where_the_cumulative_net_crosses_zero(
    second_year_candidates, month
):
    # 40,000 lost in year 1; year 2's net is candidates × 100 − 0: 700 candidates
    # recover it 40/70 of the way through (6.86 months: in the 7th), 480 at 40/48
    # (10 months exactly: in the 10th), 401 in the year's last month.
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("40000", 1)],
        forecasts=[forecast(2, member, second_year_candidates)],
    )
    assert (figures.break_even.year, figures.break_even.month) == (2, month)


def test_a_cumulative_net_that_only_reaches_zero_never_breaks_even():
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member], cost_lines=[cost("40000", 1)], forecasts=[forecast(2, member, 400)]
    )
    assert column(figures, "cumulative_net")[:2] == amounts(-40000, 0)
    assert figures.break_even is None


def test_a_year_that_ends_in_profit_breaks_even_when_its_revenue_passes_its_costs():
    # Year 1 nets +7,000 on 90,000 of cost: its revenue of 97,000, coming evenly, makes
    # up the 90,000 spent on its first day 11.13 months in, in its 12th month (not its
    # first, as a line from zero at the start to +7,000 at its end would say).
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member], cost_lines=[cost("90000", 1)], forecasts=[forecast(1, member, 970)]
    )
    assert column(figures, "net")[0] == Decimal(7000)
    months = Decimal(90000) * 12 / Decimal(97000)
    assert figures.break_even == BreakEven(year=1, month=12, point=months / 12)


def test_costs_of_every_year_come_month_by_month_as_revenue_does():
    # 90,000 of running costs and 97,000 of revenue a year: never below zero.
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member], cost_lines=[cost("90000")], forecasts=[forecast(1, member, 970)]
    )
    assert figures.break_even == BreakEven(year=1, month=1, point=Decimal(0))


def test_break_even_is_when_the_cumulative_net_stays_positive():
    # Above zero at the end of year 1 (+2,000), then 10,000 of one-off costs on year 2's
    # first day: 8,000 down, made up by its 12,000 of revenue 8 months in.
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("10000", 1), cost("10000", 2)],
        forecasts=[forecast(1, member, 120), forecast(2, member, 120)],
    )
    assert column(figures, "cumulative_net")[:2] == amounts(2000, 4000)
    assert [year.cumulative_net_at_start for year in figures.years[:2]] == amounts(-10000, -8000)
    assert figures.break_even == BreakEven(year=2, month=8, point=1 + Decimal(8) / 12)


def test_a_later_year_owes_its_own_costs_from_its_first_day():
    # 10,000 lost in year 1, and year 2 costs 20,000 and brings 60,000: 30,000 owed at
    # its start, made up 6 months in.
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("10000", 1), cost("20000", 2)],
        forecasts=[forecast(2, member, 600)],
    )
    assert figures.break_even == BreakEven(year=2, month=6, point=Decimal("1.5"))


def test_the_figures_stop_at_the_last_year_with_a_forecast():
    # A forecast for years 1 to 3 only; running costs of 10,000 every year.
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("10000")],
        forecasts=[forecast(1, member, 50), forecast(3, member, 300)],
        discount_rate=Decimal("0.1"),
    )
    assert [year.forecast for year in figures.years] == [True, False, True, False, False]
    assert (figures.forecast_until, figures.years_without_forecast) == (3, [2, 4, 5])
    assert [year.year for year in figures.forecast_years] == [1, 2, 3]
    # Year 2, between two forecasts, counts as no revenue; years 4 and 5 count for nothing.
    assert column(figures, "cumulative_net")[:3] == amounts(-5000, -15000, 5000)
    total = figures.total
    assert (total.revenue, total.cost, total.net) == (Decimal(35000), Decimal(30000), 5000)
    # Year 3 starts 15,000 down and nets 20,000, its running costs month by month: 9
    # months in.
    assert figures.break_even == BreakEven(year=3, month=9, point=2 + Decimal(9) / 12)
    assert (figures.roi_3_years, figures.roi_5_years) == (Decimal(5000) / 30000, None)
    # -5,000 / 1.1 - 10,000 / 1.21 + 20,000 / 1.331 = -4,545.45 - 8,264.46 + 15,026.30
    assert money_display(figures.npv, "USD") == "2,216.38 USD"


def test_a_forecast_that_stops_before_breaking_even_gives_none():
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member], cost_lines=[cost("10000", 1)], forecasts=[forecast(1, member, 10)]
    )
    assert (figures.forecast_until, figures.break_even) == (1, None)
    assert (figures.roi_3_years, figures.roi_5_years) == (None, None)


def test_zero_costs_give_no_roi_and_break_even_at_once():
    member = tier(price="100")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[],
        forecasts=[forecast(year, member, 5 - year) for year in range(1, 6)],
    )
    assert column(figures, "cost") == amounts(0, 0, 0, 0, 0)
    assert (figures.roi_3_years, figures.roi_5_years) == (None, None)
    assert percent_display(figures.roi_3_years) == ""
    assert figures.break_even == BreakEven(year=1, month=1, point=Decimal(0))
    # 400 + 300 + 200 + 100 + 0.
    assert figures.npv == Decimal(1000)


def test_a_tier_with_no_candidates_brings_no_revenue():
    member, non_member, exam_only = tier("Member", "295"), tier("Non-member", "395"), tier()
    figures = usd_figures(
        price_tiers=[member, non_member, exam_only],
        cost_lines=[cost("1000", 1)],
        # No one at the non-member price, no forecast at all for the exam only, and no
        # one after year 1 (a forecast of none is a forecast).
        forecasts=[
            forecast(1, member, 10),
            forecast(1, non_member, 0),
            *(forecast(year, member, 0) for year in range(2, 6)),
        ],
    )
    assert column(figures, "revenue") == amounts(2950, 0, 0, 0, 0)
    assert figures.years_without_forecast == []
    assert figures.roi_3_years == Decimal("1.95")
    assert percent_display(figures.roi_5_years) == "195.0%"


def test_a_licence_forecast_counts_candidates_at_the_price_of_one_seat():
    licence = tier("Licence, 10 seats", "2507.50", audience_other="", seats=10)
    figures = usd_figures(
        price_tiers=[licence], cost_lines=[], forecasts=[forecast(2, licence, 60)]
    )
    # Six licences of 2,507.50, or 60 seats of 250.75.
    assert column(figures, "revenue") == amounts(0, "15045", 0, 0, 0)


def test_a_cost_line_every_year_counts_in_each_year():
    member = tier(price="50")
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("1000", item="Platform"), cost("500", 2, item="Refresh")],
        forecasts=[forecast(year, member, 30) for year in range(1, 6)],
    )
    assert column(figures, "cost") == amounts(1000, 1500, 1000, 1000, 1000)
    assert column(figures, "cumulative_net") == amounts(500, 500, 1000, 1500, 2000)
    # 4,500 of revenue against 3,500 of cost; 7,500 against 5,500.
    assert figures.roi_3_years == Decimal(1000) / Decimal(3500)
    assert percent_display(figures.roi_3_years) == "28.6%"
    assert percent_display(figures.roi_5_years) == "36.4%"


def test_channel_budgets_are_marketing_costs_of_their_start_year():
    # Year 1 starts on the earliest of the tiers' and channels' dates: 7 June 2027.
    member = tier(valid_from=datetime.date(2027, 6, 14))
    figures = usd_figures(
        price_tiers=[member],
        cost_lines=[cost("100", 1, category="marketing")],
        forecasts=[],
        channels=[
            channel("1500", datetime.date(2027, 6, 7)),
            channel("200", datetime.date(2028, 6, 6)),  # the last day of year 1
            channel("4000", datetime.date(2028, 6, 7)),  # the first day of year 2
            channel("30", None),  # no start date: year 1
            channel(None, datetime.date(2029, 1, 1)),  # no budget
            channel("7", datetime.date(2031, 6, 7)),  # the first day of year 5
            channel("900", datetime.date(2032, 6, 7), name="Far away"),  # year 6
        ],
    )
    assert column(figures, "cost") == amounts(1830, 4000, 0, 0, 7)
    assert figures.refusals == [
        "The budget of the channel “Far away” falls after year 5: it is left out of the figures."
    ]


def test_amounts_in_another_currency_are_left_out_and_said_so():
    member, pounds = tier(price="100"), tier("UK member", "80", currency="GBP")
    figures = usd_figures(
        price_tiers=[member, pounds],
        cost_lines=[cost("1000", 1), cost("300", 1, item="Legal review", currency="EUR")],
        forecasts=[forecast(1, member, 20), forecast(2, pounds, 50)],
        channels=[channel("250", name="Trade fair", currency="CAD")],
    )
    assert figures.currency == "USD"
    assert column(figures, "revenue") == amounts(2000, 0, 0, 0, 0)
    assert column(figures, "cost") == amounts(1000, 0, 0, 0, 0)
    assert figures.refusals == [
        "The price tier “UK member” of the forecast for year 2 is in GBP, not in the plan's "
        "currency USD: it is left out of the figures.",
        "The cost line “Legal review” is in EUR, not in the plan's currency USD: it is left "
        "out of the figures.",
        "The budget of the channel “Trade fair” is in CAD, not in the plan's currency USD: it "
        "is left out of the figures.",
    ]


def test_the_figures_are_in_the_plan_currency_whatever_the_rows_say():
    euros = plan_figures(
        price_tiers=[], cost_lines=[cost("10", 1, currency="EUR")], forecasts=[], currency="EUR"
    )
    assert (euros.currency, column(euros, "cost")[0], euros.refusals) == ("EUR", Decimal(10), [])
    member = tier()
    canadian = plan_figures(
        price_tiers=[member],
        cost_lines=[cost("10", 1)],
        forecasts=[forecast(1, member, 3)],
        currency="CAD",
    )
    assert column(canadian, "revenue") + column(canadian, "cost") == [ZERO] * 10
    assert canadian.refusals == [
        "The price tier “Member” of the forecast for year 1 is in USD, not in the plan's "
        "currency CAD: it is left out of the figures.",
        "The cost line “Cost” is in USD, not in the plan's currency CAD: it is left out of the "
        "figures.",
    ]


def test_a_forecast_whose_tier_was_deleted_is_left_out():
    figures = usd_figures(price_tiers=[], cost_lines=[], forecasts=[forecast(3, None, 1200)])
    assert figures.refusals == [
        "The forecast of 1,200 candidates in year 3 names no price tier (its tier was "
        "deleted): it is left out of the figures."
    ]


def test_amounts_are_rounded_only_for_display_to_the_currency_minor_unit():
    assert money_display(Decimal("1234.565"), "USD") == "1,234.57 USD"
    assert money_display(Decimal("-102255"), "USD") == "-102,255.00 USD"
    assert money_display(Decimal("1234.5"), "JPY") == "1,235 JPY"
    assert money_display(Decimal(1) / 3, "EUR") == "0.33 EUR"
    assert percent_display(Decimal("0.81942")) == "81.9%"


def test_a_discount_rate_of_minus_100_percent_or_below_is_refused():
    with pytest.raises(ValueError, match="The discount rate must be above -100%."):
        npv([], rate=Decimal(-1))


@pytest.mark.django_db
def test_the_demo_plan_breaks_even_in_its_second_year(plan, record_set_question):
    save_demo_rows(plan=plan, app_label="marketing")
    save_demo_rows(plan=plan, app_label="planning", question_for=record_set_question)
    figures = figures_from_facts(PlanFacts(plan))
    # Year 1: 148,000 of development, 38,000 running, 6,000 of launch materials and
    # 29,000 of channel budgets; revenue 118,745 (60 licence seats at 250.75 among it).
    assert column(figures, "revenue") == amounts("118745", "170890", "152190", "137325", "130425")
    assert column(figures, "cost") == amounts(221000, 43000, 50000, 38000, 38000)
    assert column(figures, "cumulative_net") == amounts(
        "-102255", "25635", "127825", "227150", "319575"
    )
    # Year 2 starts 102,255 down, and 5,000 more once its campaign refresh is paid; its
    # revenue less its running costs, 132,890, makes that up 12 × 107,255 / 132,890 = 9.69
    # months in. Year 3's item bank refresh (12,000) leaves it above zero (13,635).
    assert (figures.break_even.year, figures.break_even.month) == (2, 10)
    assert percent_display(figures.roi_3_years) == "40.7%"
    assert percent_display(figures.roi_5_years) == "81.9%"
    assert (figures.currency, figures.refusals) == ("USD", [])
