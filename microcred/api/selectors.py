"""Reads of the API: the plans a user sees, narrowed as the list's query asks, and one
plan's metadata with its progress and readiness per phase."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from microcred.plans.models import Plan
from microcred.plans.plan_lists import PlanListQuery, listed_plans
from microcred.plans.progress import phase_progress
from microcred.plans.readiness_checks import readiness_by_phase

from .models import ApiToken

ORDERINGS = ("title", "-title", "updated_at", "-updated_at")
DEFAULT_ORDERING = "-updated_at"


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


@dataclass(frozen=True)
class PlanFilters:
    """The list's query parameters, checked (serializers.PlanFiltersSerializer)."""

    search: str = ""
    status: str = ""
    organization: str = ""  # an organization's slug
    updated_since: datetime | None = None
    ordering: str = DEFAULT_ORDERING


def api_plans(*, user: User | AnonymousUser, filters: PlanFilters) -> QuerySet[Plan]:
    """The plans the user sees, as "My plans" lists them (archived ones only when asked
    for by status), narrowed by `filters`; each with `viewer_role` and
    `viewer_organization_role`, and its organization and template version."""
    plans = listed_plans(
        user=user,
        query=PlanListQuery(search=filters.search, status=filters.status),
        archived=filters.status == Plan.Status.ARCHIVED,
    ).select_related("organization", "template_version")
    if filters.organization:
        plans = plans.filter(organization__slug=filters.organization)
    if filters.updated_since is not None:
        plans = plans.filter(updated_at__gte=filters.updated_since)
    return plans.order_by(filters.ordering, "-pk")


@dataclass(frozen=True)
class PhaseSummary:
    title: str
    slug: str
    answered: int
    total: int
    problem_count: int

    @property
    def ready(self) -> bool:
        return not self.problem_count


def phase_summaries(plan: Plan) -> list[PhaseSummary]:
    """Each phase of the plan, in order: its questions answered of those that apply, and
    the readiness problems that keep it from being ready."""
    problems = readiness_by_phase(plan)
    return [
        PhaseSummary(
            title=progress.phase.title,
            slug=progress.phase.slug,
            answered=progress.answered,
            total=progress.total,
            problem_count=len(problems.get(progress.phase.slug, [])),
        )
        for progress in phase_progress([plan])[plan.pk]
    ]
