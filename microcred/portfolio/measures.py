"""A plan's measures for the portfolio: what is worked out from its answers and rows
(readiness and progress per phase, the business case's figures, the next review due), in a
fixed number of queries for a batch of plans (plan_measures), and kept in the cache under
the plan's stamps (`updated_at`, `pages_changed_at`) and today's date, so that a change of
any plan shows at once: the next request asks for a new key (see plans/page_cache.py)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache

from maintenance.calendar import due_reviews
from microcred.plans.models import Plan
from microcred.plans.page_cache import fragment_key
from microcred.plans.progress import phase_progress
from microcred.plans.readiness import PlanFacts
from microcred.plans.readiness_checks import readiness_by_phase_of_plans
from planning.figures import figures_from_facts
from planning.key_figures import candidate_price_range
from planning.models import PLAN_YEARS
from planning.panels import CANDIDATE_FORECAST, COST_LINES, missing_tables

REVIEW_CYCLES = "maintenance.review_cycles"


class BusinessCase:
    """How far a plan's figures are worked out (planning/panels.py: roi_panel)."""

    NOT_ASKED = "not_asked"  # its template version asks for neither forecast nor costs
    MISSING_TABLES = "missing_tables"  # it lacks prices, candidates or costs
    WORKED_OUT = "worked_out"


@dataclass(frozen=True)
class PhaseStanding:
    """One phase of a plan: its questions answered of those that apply, and what keeps
    it from being ready."""

    slug: str
    name: str
    order: int
    answered: int
    total: int
    problems: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def is_ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PlanMeasures:
    """What is worked out from a plan's answers and rows, as of one day: cached by the
    plan's stamps (see the module's docstring)."""

    phases: tuple[PhaseStanding, ...]
    next_review_due: datetime.date | None
    next_review_name: str
    business_case: str  # a BusinessCase value
    price_low: Decimal | None = None
    price_high: Decimal | None = None
    forecast_until: int = 0  # the last year with a candidate forecast (0: none)
    five_year_net: Decimal | None = None  # None unless the forecast runs to year 5
    break_even_year: int | None = None
    break_even_month: int | None = None
    roi_5_years: Decimal | None = None


def phase_standings(
    plans: Sequence[Plan], readiness: dict[int, dict[str, list[Any]]]
) -> dict[int, tuple[PhaseStanding, ...]]:
    progress = phase_progress(plans)
    return {
        plan.pk: tuple(
            PhaseStanding(
                slug=step.phase.slug,
                name=step.phase.title,
                order=step.phase.order,
                answered=step.answered,
                total=step.total,
                problems=len(readiness[plan.pk].get(step.phase.slug, ())),
            )
            for step in progress[plan.pk]
        )
        for plan in plans
    }


def business_case_measures(facts: PlanFacts) -> dict[str, Any]:
    """The plan's price range and figures as the ROI panel works them out
    (planning/panels.py: roi_panel, with the same functions)."""
    if not (facts.asks(CANDIDATE_FORECAST) or facts.asks(COST_LINES)):
        return {"business_case": BusinessCase.NOT_ASKED}
    prices = candidate_price_range(facts)
    found: dict[str, Any] = {
        "business_case": BusinessCase.MISSING_TABLES,
        "price_low": prices[0] if prices else None,
        "price_high": prices[1] if prices else None,
    }
    if missing_tables(facts):
        return found
    figures = figures_from_facts(facts)
    break_even = figures.break_even
    return {
        **found,
        "business_case": BusinessCase.WORKED_OUT,
        "forecast_until": figures.forecast_until,
        "five_year_net": figures.total.net if figures.forecast_until == PLAN_YEARS else None,
        "break_even_year": break_even.year if break_even else None,
        "break_even_month": break_even.month if break_even else None,
        "roi_5_years": figures.roi_5_years,
    }


def plan_measures(plans: Sequence[Plan], *, today: datetime.date) -> dict[int, PlanMeasures]:
    """Each plan's measures, by plan id, in a fixed number of queries whatever the number
    of plans: the rows of every table they need read once for all of them
    (readiness_by_phase_of_plans), then worked out by the phase apps' own functions."""
    plans = list(plans)
    if not plans:
        return {}
    readiness, facts = readiness_by_phase_of_plans(plans)
    phases = phase_standings(plans, readiness)
    measures = {}
    for plan in plans:
        plan_facts = facts[plan.pk]
        due = next(
            (
                review
                for review in due_reviews(plan_facts.records(REVIEW_CYCLES), today=today)
                if review.due
            ),
            None,
        )
        measures[plan.pk] = PlanMeasures(
            phases=phases[plan.pk],
            next_review_due=due.due if due else None,
            next_review_name=due.cycle.name if due else "",
            **business_case_measures(plan_facts),
        )
    return measures


def measures_key(plan: Plan, today: datetime.date) -> str:
    changed = plan.pages_changed_at.isoformat() if plan.pages_changed_at else ""
    return fragment_key(
        "portfolio-measures",
        plan.pk,
        plan.template_version_id,
        plan.updated_at.isoformat(),
        changed,
        today.isoformat(),
    )


# Plans worked out at a time when their measures are not cached: a fixed number of
# queries per batch, the rows of a batch in memory at once, each batch cached as soon as
# it is worked out (so that a request cut short leaves what it did for the next).
MEASURES_BATCH = 100


def cached_plan_measures(plans: Sequence[Plan], *, today: datetime.date) -> dict[int, PlanMeasures]:
    """plan_measures, from the cache for the plans unchanged since they were worked out
    (one cache read), the others worked out MEASURES_BATCH at a time and cached."""
    keys = {plan.pk: measures_key(plan, today) for plan in plans}
    found = cache.get_many(keys.values())
    missing = [plan for plan in plans if keys[plan.pk] not in found]
    for start in range(0, len(missing), MEASURES_BATCH):
        worked_out = plan_measures(missing[start : start + MEASURES_BATCH], today=today)
        batch = {keys[pk]: measures for pk, measures in worked_out.items()}
        cache.set_many(batch, settings.PAGE_CACHE_SECONDS)
        found.update(batch)
    return {plan.pk: found[keys[plan.pk]] for plan in plans}
