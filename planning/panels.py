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
from .charts import break_even_words, cumulative_net_chart
from .figures import PlanFigures, YearFigures, figures_from_facts, money_display, percent_display
from .models import PLAN_YEARS

PRICE_TIERS = "planning.price_tiers"
CANDIDATE_FORECAST = "planning.candidate_forecast"
COST_LINES = "planning.cost_lines"
CHANNELS = "marketing.channels"
ROI_PANEL = "planning.roi"


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


def year_row(label: str, figures: YearFigures, currency: str) -> YearRow:
    return YearRow(
        label=label,
        revenue=money_display(figures.revenue, currency),
        cost=money_display(figures.cost, currency),
        net=money_display(figures.net, currency),
        cumulative_net=money_display(figures.cumulative_net, currency),
    )


def rate_display(percent: Decimal) -> str:
    """A percentage as the planner typed it: "6%", "7.5%"."""
    return f"{percent.normalize():f}%"


def roi_words(figures: PlanFigures) -> str:
    def over(years: int, fraction: Decimal | None) -> str:
        if fraction is None:
            return f"none over {years} years (nothing is spent in them)"
        return f"{percent_display(fraction)} over {years} years"

    return (
        f"Return on investment: {over(3, figures.roi_3_years)}, "
        f"{over(PLAN_YEARS, figures.roi_5_years)}."
    )


def npv_words(figures: PlanFigures, *, rate: Decimal) -> str:
    return (
        f"Net present value of the {PLAN_YEARS} years at a {rate_display(rate)} discount "
        f"rate: {money_display(figures.npv, figures.currency)}."
    )


def roi_panel(plan: Plan, *, access: PlanAccess | None = None) -> dict[str, Any] | None:
    """Cost, revenue, break-even, ROI and NPV by year, with a chart of the cumulative net;
    or, while the plan lacks prices, candidates or costs, what to add. Nothing for a plan
    whose template version asks for neither the forecast nor the cost lines."""
    facts = PlanFacts(plan)
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
        "years": [year_row(f"Year {year.year}", year, figures.currency) for year in figures.years],
        "total": year_row(f"{PLAN_YEARS} years", figures.total, figures.currency),
        "break_even": break_even_words(figures),
        "roi": roi_words(figures),
        "npv": npv_words(figures, rate=plan.discount_rate),
        "refusals": figures.refusals,
        "chart": cumulative_net_chart(figures, html_id="roi-chart"),
    }


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
    )
]

DASHBOARD_SECTIONS: list[DashboardSection] = []
