"""Reads for an organization's portfolio (or every organization's, for superusers): each
plan with its status, owners, template version, progress and readiness per phase, next
review due and business case, in a fixed number of queries whatever the number of plans
(measures.py works them out and caches them); filtered, searched and sorted; counted by
status and by phase readiness; totalled per currency, never converted.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import FilteredRelation, Prefetch, Q, QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from microcred.organizations.models import Organization
from microcred.organizations.selectors import overseen_organizations
from microcred.plans.models import Plan, PlanMembership
from microcred.plans.page_cache import fragment_key
from microcred.plans.plan_lists import STATUS_ORDER
from microcred.plans.services import display_name

from .measures import BusinessCase as BusinessCase
from .measures import PhaseStanding, PlanMeasures, cached_plan_measures


@dataclass(frozen=True)
class PortfolioRow:
    """One plan of a portfolio: what the plan says of itself, and its measures."""

    plan_id: int
    url: str
    title: str
    organization: str
    status: str
    status_label: str
    owners: tuple[str, ...]
    template_version_id: int
    template_version: str
    currency: str
    updated_at: datetime.datetime
    measures: PlanMeasures

    @property
    def is_ready(self) -> bool:
        return all(phase.is_ready for phase in self.measures.phases)


# Who sees which portfolio.


def overseen_organization(user: User | AnonymousUser, slug: str) -> Organization:
    """The organization of that slug if the user oversees it (its admin, on its
    committee, or a superuser); 404 otherwise, as for one that does not exist."""
    organization = overseen_organizations(user).filter(slug=slug).first()
    if organization is None:
        raise Http404("No such organization among those you oversee.")
    return organization


def portfolio_plan_set(
    organization: Organization | None, *, include_archived: bool = False
) -> QuerySet[Plan]:
    """The plans of an organization's portfolio (of every organization's, for None),
    archived ones only when asked."""
    plans = Plan.objects.all()
    if organization is not None:
        plans = plans.filter(organization=organization)
    if not include_archived:
        plans = plans.exclude(status=Plan.Status.ARCHIVED)
    return plans.order_by("-updated_at", "-pk")


def portfolio_plans(
    organization: Organization | None, *, include_archived: bool = False
) -> QuerySet[Plan]:
    """portfolio_plan_set's plans with their organization, template version and owners'
    memberships (`owner_memberships`): two queries."""
    owners = PlanMembership.objects.filter(role=PlanMembership.Role.OWNER).select_related("user")
    return (
        portfolio_plan_set(organization, include_archived=include_archived)
        .select_related("organization", "template_version")
        .prefetch_related(
            Prefetch("memberships", queryset=owners.order_by("pk"), to_attr="owner_memberships")
        )
    )


def portfolio_stamp(plans: QuerySet[Plan]) -> dict[str, object]:
    """What tells any change of the plans' rows, in one aggregate query: every change of
    a plan (its answers, rows, title, status, currency, version) stamps its `updated_at`,
    so the latest stamp moves with each; a plan added, removed or moved to another
    organization changes which plans there are (their count and the sum of their ids);
    a change of owners changes the owners' memberships, counted and summed the same way.
    (A person's or an organization's new name, or a version's, is no change of a plan:
    it shows once the cached page ages out, PAGE_CACHE_SECONDS.)"""
    owner = FilteredRelation(
        "memberships", condition=Q(memberships__role=PlanMembership.Role.OWNER)
    )
    return plans.annotate(owner=owner).aggregate(
        plans=models.Count("pk"),  # a plan with two owners counts twice, always
        plan_ids=models.Sum("pk"),
        updated=models.Max("updated_at"),
        pages_changed=models.Max("pages_changed_at"),
        owners=models.Count("owner"),
        owner_memberships=models.Sum("owner__pk"),
        owner_users=models.Sum("owner__user_id"),
    )


def owner_names(plan: Plan) -> tuple[str, ...]:
    listed: Any = plan  # portfolio_plans prefetched its owners
    return tuple(display_name(membership.user) for membership in listed.owner_memberships)


def version_label(plan: Plan) -> str:
    version = plan.template_version
    return f"{version.name} (version {version.number})"


def portfolio_rows(plans: Iterable[Plan], *, today: datetime.date) -> list[PortfolioRow]:
    """The plans of portfolio_plans as rows, in their order."""
    plans = list(plans)
    measures = cached_plan_measures(plans, today=today)
    return [
        PortfolioRow(
            plan_id=plan.pk,
            url=reverse("plans:dashboard", kwargs={"plan_id": plan.pk}),
            title=plan.title,
            organization=plan.organization.name,
            status=plan.status,
            status_label=plan.get_status_display(),
            owners=owner_names(plan),
            template_version_id=plan.template_version_id,
            template_version=version_label(plan),
            currency=plan.currency,
            updated_at=plan.updated_at,
            measures=measures[plan.pk],
        )
        for plan in plans
    ]


# Filters, search and sorting.

# The table shows this many plans a page; the counts, charts, totals and CSV all of them.
PLANS_PER_PAGE = 50

READY = "ready"
NOT_READY = "not_ready"
READINESS_CHOICES = {READY: "Every phase ready", NOT_READY: "Some phase not ready"}


def _last_when_none(value: Any, *, descending: bool = False) -> tuple[int, Any]:
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


STATUS_RANK = {status.value: rank for rank, status in enumerate(STATUS_ORDER)}
# Sort name: (label, key of a row), the default first. Ties go by title, then by id.
SORTS: dict[str, tuple[str, Callable[[PortfolioRow], Any]]] = {
    "updated": ("Last updated", lambda row: -row.updated_at.timestamp()),
    "title": ("Title (A to Z)", lambda row: ()),
    "status": ("Status (draft first)", lambda row: STATUS_RANK.get(row.status, len(STATUS_RANK))),
    "five_year_net": (
        "Five-year net (highest first)",
        lambda row: _last_when_none(row.measures.five_year_net, descending=True),
    ),
    "roi": (
        "ROI over 5 years (highest first)",
        lambda row: _last_when_none(row.measures.roi_5_years, descending=True),
    ),
    "break_even": (
        "Break-even (soonest first)",
        lambda row: _last_when_none(
            None
            if row.measures.break_even_year is None
            else (row.measures.break_even_year, row.measures.break_even_month)
        ),
    ),
    "next_review": (
        "Next review due (soonest first)",
        lambda row: _last_when_none(row.measures.next_review_due),
    ),
}
DEFAULT_SORT = "updated"


@dataclass(frozen=True)
class PortfolioQuery:
    """What a portfolio is narrowed to and sorted by; empty values narrow nothing."""

    search: str = ""
    status: str = ""
    owner: str = ""
    readiness: str = ""
    review_due_within_days: int | None = None
    template_version_id: int | None = None
    include_archived: bool = False
    sort: str = DEFAULT_SORT

    @property
    def narrows(self) -> bool:
        return self != PortfolioQuery(sort=self.sort)


def matches(row: PortfolioRow, query: PortfolioQuery, *, today: datetime.date) -> bool:
    if query.search.strip() and query.search.strip().casefold() not in row.title.casefold():
        return False
    if query.status and row.status != query.status:
        return False
    if query.owner and query.owner not in row.owners:
        return False
    if query.readiness and row.is_ready != (query.readiness == READY):
        return False
    if query.template_version_id is not None and (
        row.template_version_id != query.template_version_id
    ):
        return False
    if query.review_due_within_days is not None:
        due = row.measures.next_review_due
        if due is None or due > today + datetime.timedelta(days=query.review_due_within_days):
            return False
    return True


def narrowed_rows(
    rows: Iterable[PortfolioRow], query: PortfolioQuery, *, today: datetime.date
) -> list[PortfolioRow]:
    """The rows the query keeps, sorted as it says."""
    kept = [row for row in rows if matches(row, query, today=today)]
    sort_key = SORTS.get(query.sort, SORTS[DEFAULT_SORT])[1]
    return sorted(kept, key=lambda row: (sort_key(row), row.title.casefold(), row.plan_id))


# Counts and totals.


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    of: int  # the whole the count is part of

    @property
    def rest(self) -> int:
        return self.of - self.count


def status_counts(rows: Sequence[PortfolioRow]) -> list[Count]:
    """How many plans are in each status, in the order a plan goes through them (those
    with none left out)."""
    counts = [
        Count(status.label, sum(1 for row in rows if row.status == status), len(rows))
        for status in STATUS_ORDER
    ]
    return [count for count in counts if count.count]


def phase_readiness_counts(rows: Sequence[PortfolioRow]) -> list[Count]:
    """How many of the plans that have each phase (by name, in phase order) are ready in
    it."""
    phases: dict[str, list[PhaseStanding]] = {}
    for row in rows:
        for phase in row.measures.phases:
            phases.setdefault(phase.name, []).append(phase)
    ordered = sorted(phases.items(), key=lambda item: min(phase.order for phase in item[1]))
    return [
        Count(name, sum(1 for phase in standings if phase.is_ready), len(standings))
        for name, standings in ordered
    ]


@dataclass(frozen=True)
class CurrencyTotal:
    """The plans in one currency, and their five-year nets added up (never converted)."""

    currency: str
    plans: int
    with_five_year_net: int
    five_year_net: Decimal


def currency_totals(rows: Sequence[PortfolioRow]) -> list[CurrencyTotal]:
    by_currency: dict[str, list[PortfolioRow]] = {}
    for row in rows:
        by_currency.setdefault(row.currency, []).append(row)
    totals = []
    for currency, in_currency in sorted(by_currency.items()):
        nets = [row.measures.five_year_net for row in in_currency]
        known = [net for net in nets if net is not None]
        totals.append(
            CurrencyTotal(
                currency=currency,
                plans=len(in_currency),
                with_five_year_net=len(known),
                five_year_net=sum(known, Decimal(0)),
            )
        )
    return totals


def phase_names(rows: Sequence[PortfolioRow]) -> list[str]:
    """The phases of the rows' plans, by name in phase order: the table's columns."""
    return [count.label for count in phase_readiness_counts(rows)]


@dataclass(frozen=True)
class Portfolio:
    """A portfolio as the page and its CSV show it: the rows a query keeps, sorted."""

    rows: list[PortfolioRow]
    query: PortfolioQuery
    today: datetime.date

    @property
    def status_counts(self) -> list[Count]:
        return status_counts(self.rows)

    @property
    def phase_readiness_counts(self) -> list[Count]:
        return phase_readiness_counts(self.rows)

    @property
    def currency_totals(self) -> list[CurrencyTotal]:
        return currency_totals(self.rows)

    @property
    def phase_names(self) -> list[str]:
        return phase_names(self.rows)


def table_rows(
    rows: Iterable[PortfolioRow], names: Sequence[str]
) -> list[tuple[PortfolioRow, list[PhaseStanding | None]]]:
    """Each row with its standing in each phase of `names` (None: not a phase of its
    plan's version): the table's cells."""
    found = []
    for row in rows:
        by_name = {phase.name: phase for phase in row.measures.phases}
        found.append((row, [by_name.get(name) for name in names]))
    return found


def portfolio_of_plans(
    plans: Sequence[Plan], query: PortfolioQuery, *, today: datetime.date
) -> Portfolio:
    """The plans of portfolio_plans as `query` narrows and sorts them: a fixed number of
    queries whatever the number of plans (none when their measures are cached)."""
    rows = portfolio_rows(plans, today=today)
    return Portfolio(rows=narrowed_rows(rows, query, today=today), query=query, today=today)


def portfolio(
    organization: Organization | None,
    query: PortfolioQuery = PortfolioQuery(),
    *,
    today: datetime.date | None = None,
) -> Portfolio:
    """The organization's portfolio (every organization's for None) as `query` narrows
    and sorts it."""
    plans = list(portfolio_plans(organization, include_archived=query.include_archived))
    return portfolio_of_plans(plans, query, today=today or timezone.localdate())


def owner_choices(plans: Iterable[Plan]) -> list[str]:
    """Every owner of the plans, A to Z: the owner filter's choices."""
    return sorted({owner for plan in plans for owner in owner_names(plan)}, key=str.casefold)


def template_version_choices(plans: Iterable[Plan]) -> list[tuple[int, str]]:
    """The plans' template versions, oldest first: the version filter's choices."""
    return sorted({(plan.template_version_id, version_label(plan)) for plan in plans})


def portfolio_page_key(
    organization: Organization | None,
    parameters: QueryDict,
    *,
    include_archived: bool,
    today: datetime.date,
) -> str:
    """The cache key of a portfolio's rendered content: what tells a change of any of its
    plans (portfolio_stamp), the request's parameters (the filters, as given) and today's
    date. A change of any plan asks for a new key."""
    plans = portfolio_plan_set(organization, include_archived=include_archived)
    return fragment_key(
        "portfolio-page",
        organization.pk if organization else None,
        sorted(parameters.lists()),
        today.isoformat(),
        sorted(portfolio_stamp(plans).items()),
    )
