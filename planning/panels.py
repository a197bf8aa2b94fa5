"""This phase's panels: figures computed from the plan's records (see plans/panels.py)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse

from microcred.plans.models import Plan
from microcred.plans.panel_types import DashboardSection, Panel
from microcred.plans.permissions import PlanAccess
from microcred.plans.readiness import PlanFacts, phase_slug_of

from .apps import PlanningConfig
from .charts import break_even_words, cumulative_net_chart, years_text
from .figures import (
    NO_FORECAST,
    PlanFigures,
    YearFigures,
    figures_from_facts,
    money_display,
    percent_display,
)
from .models import PLAN_YEARS

PRICE_TIERS = "planning.price_tiers"
CANDIDATE_FORECAST = "planning.candidate_forecast"
COST_LINES = "planning.cost_lines"
CHANNELS = "marketing.channels"
ROI_PANEL = "planning.roi"
BREAK_EVEN_RULE = (
    "Break-even is the month from which the cumulative net (all revenue less all cost "
    "since the start) stays positive. A year's one-off costs (its cost lines for that year "
    "alone and the channels' budgets) count on its first day; its revenue and the costs of "
    "every year come in evenly, month by month. There is none if the cumulative net is not "
    "positive to the end of the forecast."
)


@dataclass(frozen=True)
class MissingTable:
    """A table the figures need rows in, and where it is filled ("" when the plan's
    template version does not ask for it)."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class YearRow:
    """One line of the panel's table, its amounts as they are shown."""

    label: str
    revenue: str
    cost: str
    net: str
    cumulative_net: str


def table_url(facts: PlanFacts, record_type: str, phase_slug: str) -> str:
    key = facts.question_for(record_type)
    if not key:
        return ""
    url = reverse("plans:phase", kwargs={"plan_id": facts.plan.pk, "phase_slug": phase_slug})
    return f"{url}#q-{key}"


def missing_tables(facts: PlanFacts) -> list[MissingTable]:
    """What the plan must add before its figures mean anything: prices, candidates and
    costs (cost lines, or marketing channels' budgets)."""
    missing = []
    here = PlanningConfig.phase_slug
    if not facts.records(PRICE_TIERS):
        missing.append(
            MissingTable(
                "Add the price tiers: what candidates or organizations will pay.",
                table_url(facts, PRICE_TIERS, here),
            )
        )
    if not facts.records(CANDIDATE_FORECAST):
        missing.append(
            MissingTable(
                "Add the candidate forecast: how many candidates you expect each year at "
                "each price tier.",
                table_url(facts, CANDIDATE_FORECAST, here),
            )
        )
    budgets = [channel for channel in facts.records(CHANNELS) if channel.budget is not None]
    if not facts.records(COST_LINES) and not budgets:
        missing.append(
            MissingTable(
                "Add the cost lines: what developing, running and marketing the program will cost.",
                table_url(facts, COST_LINES, here),
            )
        )
        if facts.asks(CHANNELS):
            missing.append(
                MissingTable(
                    "Or give the marketing channels their budgets, which count as costs.",
                    table_url(facts, CHANNELS, phase_slug_of("marketing")),
                )
            )
    return missing


def year_row(
    label: str, figures: YearFigures, currency: str, *, beyond_forecast: bool = False
) -> YearRow:
    """A year's amounts as shown: "no forecast" for a revenue no forecast gives, and for
    the net of a year after the forecast, which the figures leave out."""

    def shown(amount: Decimal, *, known: bool) -> str:
        return money_display(amount, currency) if known else NO_FORECAST

    return YearRow(
        label=label,
        revenue=shown(figures.revenue, known=figures.forecast),
        cost=money_display(figures.cost, currency),
        net=shown(figures.net, known=not beyond_forecast),
        cumulative_net=shown(figures.cumulative_net, known=not beyond_forecast),
    )


def year_rows(figures: PlanFigures) -> list[YearRow]:
    return [
        year_row(
            f"Year {year.year}",
            year,
            figures.currency,
            beyond_forecast=year.year > figures.forecast_until,
        )
        for year in figures.years
    ]


def forecast_span(figures: PlanFigures) -> str:
    """The years the figures cover: "5 years", "years 1 to 3", "year 1"."""
    if figures.forecast_until == PLAN_YEARS:
        return f"{PLAN_YEARS} years"
    if figures.forecast_until == 1:
        return "year 1"
    return f"years 1 to {figures.forecast_until}"


def no_forecast_words(figures: PlanFigures) -> list[str]:
    """What the years without a candidate forecast mean for the figures."""
    words = []
    gaps = [year for year in figures.years_without_forecast if year < figures.forecast_until]
    beyond = [year for year in figures.years_without_forecast if year > figures.forecast_until]
    if gaps:
        words.append(
            f"No candidate forecast for {years_text(gaps)}: counted as no revenue "
            f"between the years forecast."
        )
    if beyond:
        words.append(
            f"No candidate forecast for {years_text(beyond)}: their revenue is unknown, "
            f"so the net, break-even, ROI and net present value stop at year "
            f"{figures.forecast_until}."
        )
    return words


def rate_display(percent: Decimal) -> str:
    """A percentage as the planner typed it: "6%", "7.5%"."""
    return f"{percent.normalize():f}%"


def roi_text(figures: PlanFigures) -> str:
    """The ROI over 3 and 5 years: "40.7% over 3 years, 81.9% over 5 years"."""

    def over(years: int, fraction: Decimal | None) -> str:
        if fraction is None and figures.forecast_until < years:
            return f"none over {years} years (the forecast stops at year {figures.forecast_until})"
        if fraction is None:
            return f"none over {years} years (nothing is spent in them)"
        return f"{percent_display(fraction)} over {years} years"

    return f"{over(3, figures.roi_3_years)}, {over(PLAN_YEARS, figures.roi_5_years)}"


def roi_words(figures: PlanFigures) -> str:
    return f"Return on investment: {roi_text(figures)}."


def npv_words(figures: PlanFigures, *, rate: Decimal) -> str:
    return (
        f"Net present value of the {forecast_span(figures)} at a {rate_display(rate)} discount "
        f"rate: {money_display(figures.npv, figures.currency)}."
    )


def roi_panel(
    plan: Plan, *, access: PlanAccess | None = None, facts: PlanFacts | None = None
) -> dict[str, Any] | None:
    """Cost, revenue, break-even, ROI and NPV by year, with a chart of the cumulative net;
    or, while the plan lacks prices, candidates or costs, what to add. Nothing for a plan
    whose template version asks for neither the forecast nor the cost lines."""
    facts = facts or PlanFacts(plan)
    if not (facts.asks(CANDIDATE_FORECAST) or facts.asks(COST_LINES)):
        return None
    can_change_settings = access is not None and access.can_edit_answers
    data = {
        "currency": plan.currency,
        "settings_url": reverse("plans:settings", args=[plan.pk]) if can_change_settings else "",
        "missing": missing_tables(facts),
    }
    if data["missing"]:
        return data
    figures = figures_from_facts(facts)
    return {
        **data,
        "years": year_rows(figures),
        "total": year_row(forecast_span(figures), figures.total, figures.currency),
        "no_forecast": no_forecast_words(figures),
        "break_even": break_even_words(figures),
        "break_even_rule": BREAK_EVEN_RULE,
        "roi": roi_words(figures),
        "npv": npv_words(figures, rate=plan.discount_rate),
        "refusals": figures.refusals,
        "chart": cumulative_net_chart(figures, html_id="roi-chart"),
    }


def roi_content(facts: PlanFacts, *, access: PlanAccess) -> object:
    """What the panel is worked out from: its tables, the plan's currency and discount
    rate, and whether the viewer may change them. Not the plan's other answers: the chart
    is drawn again only when its figures may have changed."""
    plan = facts.plan
    tables = facts.tables_stamp([PRICE_TIERS, CANDIDATE_FORECAST, COST_LINES, CHANNELS])
    return (tables, plan.currency, plan.discount_rate, access.can_edit_answers)


PANELS: list[Panel] = [
    Panel(
        name=ROI_PANEL,
        phase_slug=PlanningConfig.phase_slug,
        # The last of the tables under "How will you determine ROI?": the figures come
        # after the rows they are worked out from.
        after_question="cost_lines",
        page_template="planning/panels/roi.html",
        pdf_template="planning/panels/roi_pdf.html",
        build=roi_panel,
        content_key=roi_content,
    )
]

DASHBOARD_SECTIONS: list[DashboardSection] = []
