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
- The forecast runs through the last year with a candidate forecast. The years after it
  have no revenue to speak of (not a revenue of zero): they are left out of the
  cumulative net, break-even, ROI and NPV. A year before it without a forecast counts as
  no revenue, and says so.
- Break-even: the month from which the cumulative net stays positive. Within a year,
  its one-off costs (the cost lines of that year alone, and the channels' budgets) count
  on its first day, while its revenue and the costs of every year come evenly month by
  month: the cumulative net drops by the one-off costs at the year's start, then runs in
  a straight line to its value at the year's end. None when it does not stay positive
  through the last year forecast.
- ROI at N years: (cumulative revenue − cumulative cost) / cumulative cost, through year
  N; none when the forecast stops before year N.
- NPV: each forecast year's net discounted from the end of that year, at the given rate.

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
# What a year without a candidate forecast shows for its revenue: not 0.00.
NO_FORECAST = "no forecast"
# Digits after the decimal point of each currency's smallest unit, where it is not 2.
MINOR_UNIT_DIGITS = {"JPY": 0}


@dataclass(frozen=True)
class YearFigures:
    year: int
    revenue: Decimal
    cost: Decimal
    net: Decimal
    cumulative_net: Decimal
    # Whether any candidate forecast names the year: without one, its revenue is unknown.
    forecast: bool = True
    # The part of `cost` spent on the year's first day (see the module's rules).
    one_off_cost: Decimal = ZERO

    @property
    def cumulative_net_at_start(self) -> Decimal:
        """The cumulative net once the year's one-off costs are spent, on its first day."""
        return self.cumulative_net - self.net - self.one_off_cost


@dataclass(frozen=True)
class BreakEven:
    year: int
    month: int  # 1 to 12: the month of `year` by whose end the cumulative net reaches zero
    # Years from the start of year 1 to the break-even point (1.75 is the end of the
    # third quarter of year 2), where a chart marks it.
    point: Decimal


@dataclass(frozen=True)
class PlanFigures:
    currency: str
    years: list[YearFigures]
    break_even: BreakEven | None  # None: not within the forecast's years
    roi_3_years: Decimal | None  # None: no cost in those years, or no forecast through them
    roi_5_years: Decimal | None
    discount_rate: Decimal
    npv: Decimal
    refusals: list[str] = field(default_factory=list)
    # The last year with a candidate forecast (0 without any): the figures stop there.
    forecast_until: int = PLAN_YEARS

    @property
    def forecast_years(self) -> list[YearFigures]:
        """The years through the last one with a forecast, which the figures cover."""
        return self.years[: self.forecast_until]

    @property
    def years_without_forecast(self) -> list[int]:
        return [figures.year for figures in self.years if not figures.forecast]

    @property
    def total(self) -> YearFigures:
        """The forecast's years together (`year` 0): revenue, cost and net summed."""
        revenue = sum((figures.revenue for figures in self.forecast_years), ZERO)
        cost = sum((figures.cost for figures in self.forecast_years), ZERO)
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
) -> tuple[dict[int, Decimal], dict[int, Decimal], list]:
    """Cost per year from the cost lines and the channels' budgets, the part of it that
    is one-off (see the module's rules), and the rows left out. `start` is the day year 1
    starts (see `first_day`)."""
    cost = dict.fromkeys(YEARS, ZERO)
    one_off = dict.fromkeys(YEARS, ZERO)
    refusals = []
    for line in cost_lines:
        if line.currency != currency:
            refusals.append(other_currency(f"The cost line “{line.item}”", line.currency, currency))
            continue
        if line.every_year:
            for year in YEARS:
                cost[year] += line.amount
        else:
            cost[line.year] += line.amount
            one_off[line.year] += line.amount
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
            one_off[year] += channel.budget
    return cost, one_off, refusals


def year_figures(
    revenue: dict[int, Decimal],
    cost: dict[int, Decimal],
    *,
    one_off_cost: dict[int, Decimal] | None = None,
    forecast_years: Iterable[int] = YEARS,
) -> list[YearFigures]:
    years, cumulative = [], ZERO
    forecast = set(forecast_years)
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
                forecast=year in forecast,
                one_off_cost=one_off_cost[year] if one_off_cost else ZERO,
            )
        )
    return years


def break_even(years: Sequence[YearFigures]) -> BreakEven | None:
    """The month from which the cumulative net stays positive through `years` (see the
    module's rules): in the last year whose cumulative net starts at or below zero and
    ends above it, the month by whose end the straight line from the one to the other
    has reached zero."""
    found = None
    for figures in years:
        start, end = figures.cumulative_net_at_start, figures.cumulative_net
        if end <= 0:
            found = None
        elif start <= 0:
            # Months first, then years: 12 × 40,000 / 60,000 is exactly 8.
            months = -start * 12 / (end - start)
            month = max(1, int(months.to_integral_value(rounding=ROUND_CEILING)))
            found = BreakEven(year=figures.year, month=month, point=figures.year - 1 + months / 12)
    return found


def roi(years: Sequence[YearFigures], *, through: int) -> Decimal | None:
    """(Cumulative revenue − cumulative cost) / cumulative cost through year `through`,
    as a fraction (0.25 is 25%); None when those years cost nothing or `years` (the
    forecast's) stop before year `through`."""
    if len(years) < through:
        return None
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
    cost, one_off_cost, cost_refusals = cost_by_year(
        cost_lines,
        channels,
        currency=currency,
        start=first_day(price_tiers=price_tiers, channels=channels),
    )
    forecast_years = {forecast.year for forecast in forecasts}
    years = year_figures(revenue, cost, one_off_cost=one_off_cost, forecast_years=forecast_years)
    forecast_until = max(forecast_years, default=0)
    covered = years[:forecast_until]
    return PlanFigures(
        currency=currency,
        years=years,
        break_even=break_even(covered),
        roi_3_years=roi(covered, through=3),
        roi_5_years=roi(covered, through=PLAN_YEARS),
        discount_rate=discount_rate,
        npv=npv(covered, rate=discount_rate),
        refusals=revenue_refusals + cost_refusals,
        forecast_until=forecast_until,
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
