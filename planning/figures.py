"""Cost, revenue and ROI, computed from a plan's own rows: plain functions, no requests.

The figures cover the plan's first five years, in the plan's currency. Amounts are
`Decimal` throughout and are rounded only for display (`money_display`). The rules:

- Revenue in year N: for each candidate forecast of year N, its candidates × its price
  tier's price per candidate (for an organization licence, the price of all its seats
  divided by its seats).
- Cost in year N: the cost lines of year N, plus every cost line that falls every year,
  plus the budget of each marketing channel that starts in year N (a marketing cost, so
  that it is not typed twice). Year 1 starts on the earliest of the channels' start dates
  and the price tiers' valid-from dates; a channel starting N whole years later falls in
  year N + 1; a channel without a start date falls in year 1.
- Net = revenue − cost; cumulative net adds the nets of the years so far.
- Break-even: the first year whose cumulative net is at least zero, and the month within
  it where the line from the previous year's cumulative net to this year's crosses zero.
- ROI at N years: (cumulative revenue − cumulative cost) / cumulative cost, through year N.
- NPV: each year's net discounted from the end of that year, at the given rate.

The figures are in the plan's currency (`Plan.currency`), in which its rows' forms take
every amount. Rows saved in another currency (before plans had one of their own) are
never converted: they are left out, and `refusals` says which and why.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from .models import PLAN_YEARS

YEARS = range(1, PLAN_YEARS + 1)
ZERO = Decimal(0)
# Digits after the decimal point of each currency's smallest unit, where it is not 2.
MINOR_UNIT_DIGITS = {"JPY": 0}


@dataclass(frozen=True)
class YearFigures:
    year: int
    revenue: Decimal
    cost: Decimal
    net: Decimal
    cumulative_net: Decimal


@dataclass(frozen=True)
class BreakEven:
    year: int
    month: int  # 1 to 12: the month of `year` in which the cumulative net reaches zero
    # Years from the start of year 1 to the break-even point (1.75 is the end of the
    # third quarter of year 2), where a chart marks it.
    point: Decimal


@dataclass(frozen=True)
class PlanFigures:
    currency: str
    years: list[YearFigures]
    break_even: BreakEven | None  # None: not within five years
    roi_3_years: Decimal | None  # None: no cost in those years
    roi_5_years: Decimal | None
    discount_rate: Decimal
    npv: Decimal
    refusals: list[str] = field(default_factory=list)

    @property
    def total(self) -> YearFigures:
        """The five years together (`year` 0): revenue, cost and net summed."""
        revenue = sum((figures.revenue for figures in self.years), ZERO)
        cost = sum((figures.cost for figures in self.years), ZERO)
        return YearFigures(
            year=0,
            revenue=revenue,
            cost=cost,
            net=revenue - cost,
            cumulative_net=revenue - cost,
        )


def first_day(*, price_tiers: Iterable, channels: Iterable):
    """The day year 1 starts: the earliest channel start or tier valid-from (or None)."""
    days = [tier.valid_from for tier in price_tiers if tier.valid_from]
    days += [channel.starts_on for channel in channels if channel.starts_on]
    return min(days, default=None)


def channel_year(channel, *, start) -> int:
    """The plan year a channel's budget falls in (see the module's rules)."""
    if channel.starts_on is None or start is None:
        return 1
    day = channel.starts_on
    whole_years = day.year - start.year - ((day.month, day.day) < (start.month, start.day))
    return whole_years + 1


def other_currency(what: str, currency: str, plan_currency: str) -> str:
    return (
        f"{what} is in {currency}, not in the plan's currency {plan_currency}: "
        "it is left out of the figures."
    )


def revenue_by_year(forecasts: Iterable, *, currency: str) -> tuple[dict[int, Decimal], list]:
    """Revenue per year from the candidate forecasts, and the forecasts left out."""
    revenue = dict.fromkeys(YEARS, ZERO)
    refusals = []
    for forecast in forecasts:
        tier = forecast.price_tier
        if tier is None:
            refusals.append(
                f"The forecast of {forecast.candidates:,} candidates in year {forecast.year} "
                "names no price tier (its tier was deleted): it is left out of the figures."
            )
        elif tier.currency != currency:
            what = f"The price tier “{tier.name}” of the forecast for year {forecast.year}"
            refusals.append(other_currency(what, tier.currency, currency))
        else:
            # A licence's price pays for all its seats: multiplied first, divided last.
            revenue[forecast.year] += forecast.candidates * tier.price / (tier.seats or 1)
    return revenue, refusals


def cost_by_year(
    cost_lines: Iterable, channels: Iterable, *, currency: str, start
) -> tuple[dict[int, Decimal], list]:
    """Cost per year from the cost lines and the channels' budgets, and those left out.
    `start` is the day year 1 starts (see `first_day`)."""
    cost = dict.fromkeys(YEARS, ZERO)
    refusals = []
    for line in cost_lines:
        if line.currency != currency:
            refusals.append(other_currency(f"The cost line “{line.item}”", line.currency, currency))
            continue
        for year in YEARS if line.every_year else [line.year]:
            cost[year] += line.amount
    for channel in channels:
        if channel.budget is None:
            continue
        what = f"The budget of the channel “{channel.name}”"
        year = channel_year(channel, start=start)
        if channel.currency != currency:
            refusals.append(other_currency(what, channel.currency, currency))
        elif year > PLAN_YEARS:
            refusals.append(f"{what} falls after year {PLAN_YEARS}: it is left out of the figures.")
        else:
            cost[year] += channel.budget
    return cost, refusals


def year_figures(revenue: dict[int, Decimal], cost: dict[int, Decimal]) -> list[YearFigures]:
    years, cumulative = [], ZERO
    for year in YEARS:
        net = revenue[year] - cost[year]
        cumulative += net
        years.append(
            YearFigures(
                year=year,
                revenue=revenue[year],
                cost=cost[year],
                net=net,
                cumulative_net=cumulative,
            )
        )
    return years


def break_even(years: Sequence[YearFigures]) -> BreakEven | None:
    """The first year whose cumulative net is at least zero, with the month in which a
    straight line from the previous year's cumulative net (zero before year 1) reaches
    zero; a year that starts at zero or above breaks even in its first month."""
    previous = ZERO
    for figures in years:
        if figures.cumulative_net >= 0:
            # Months first, then years: 12 × 40,000 / 60,000 is exactly 8.
            months = -previous * 12 / figures.net if previous < 0 else ZERO
            month = max(1, int(months.to_integral_value(rounding=ROUND_CEILING)))
            return BreakEven(year=figures.year, month=month, point=figures.year - 1 + months / 12)
        previous = figures.cumulative_net
    return None


def roi(years: Sequence[YearFigures], *, through: int) -> Decimal | None:
    """(Cumulative revenue − cumulative cost) / cumulative cost through year `through`,
    as a fraction (0.25 is 25%); None when those years cost nothing."""
    revenue = sum((figures.revenue for figures in years[:through]), ZERO)
    cost = sum((figures.cost for figures in years[:through]), ZERO)
    return (revenue - cost) / cost if cost else None


def npv(years: Sequence[YearFigures], *, rate: Decimal = ZERO) -> Decimal:
    """The nets' present value, each discounted from the end of its year at `rate` (a
    fraction: 0.08 for 8%)."""
    if rate <= -1:
        raise ValueError("The discount rate must be above -100%.")
    return sum((figures.net / (1 + rate) ** figures.year for figures in years), ZERO)


def plan_figures(
    *,
    price_tiers: Sequence,
    cost_lines: Sequence,
    forecasts: Sequence,
    currency: str,
    channels: Sequence = (),
    discount_rate: Decimal = ZERO,
) -> PlanFigures:
    """The plan's figures in `currency` from its rows: price tiers, cost lines
    (`CostLine`), candidate forecasts (`CandidateForecast`) and marketing channels
    (anything with `name`, `budget`, `currency` and `starts_on`). `discount_rate` is a
    fraction (0.08 for 8%)."""
    revenue, revenue_refusals = revenue_by_year(forecasts, currency=currency)
    cost, cost_refusals = cost_by_year(
        cost_lines,
        channels,
        currency=currency,
        start=first_day(price_tiers=price_tiers, channels=channels),
    )
    years = year_figures(revenue, cost)
    return PlanFigures(
        currency=currency,
        years=years,
        break_even=break_even(years),
        roi_3_years=roi(years, through=3),
        roi_5_years=roi(years, through=PLAN_YEARS),
        discount_rate=discount_rate,
        npv=npv(years, rate=discount_rate),
        refusals=revenue_refusals + cost_refusals,
    )


def figures_from_facts(facts) -> PlanFigures:
    """The figures of the plan whose `PlanFacts` (plans/readiness.py) are given: its rows
    in the record-set questions its version asks, in its currency, discounted at its
    rate (a percentage on the plan)."""
    return plan_figures(
        price_tiers=facts.records("planning.price_tiers"),
        cost_lines=facts.records("planning.cost_lines"),
        forecasts=facts.records("planning.candidate_forecast"),
        channels=facts.records("marketing.channels"),
        currency=facts.plan.currency,
        discount_rate=facts.plan.discount_rate / 100,
    )


def money_display(amount: Decimal, currency: str) -> str:
    """An amount rounded (half up) to its currency's smallest unit: "-1,250.50 USD"."""
    digits = MINOR_UNIT_DIGITS.get(currency, 2)
    rounded = amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{digits}f} {currency}"


def percent_display(fraction: Decimal | None) -> str:
    """A fraction as a percentage to one decimal: "24.5%" ("" for None)."""
    if fraction is None:
        return ""
    return f"{(fraction * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}%"
