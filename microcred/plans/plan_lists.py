"""Reads for the lists of plans ("My plans", archived plans): the plans a user sees, found
by title, filtered by status, role and organization, sorted, with what each card says of
the viewer's role, the owner and where the plan came from."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, F, OuterRef, Prefetch, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower

from microcred.organizations.models import OrganizationMembership

from .models import Plan, PlanMembership
from .permissions import organization_role_subquery, plans_visible_to
from .services import display_name

# The statuses in the order a plan goes through them, for sorting by status.
STATUS_ORDER = (
    Plan.Status.DRAFT,
    Plan.Status.CHANGES_REQUESTED,
    Plan.Status.IN_REVIEW,
    Plan.Status.APPROVED,
    Plan.Status.ARCHIVED,
)
SORTS = {
    "updated": "Last updated",
    "title": "Title (A to Z)",
    "status": "Status (draft first)",
}
DEFAULT_SORT = "updated"


@dataclass(frozen=True)
class PlanListQuery:
    """What a list of plans is narrowed to and sorted by; empty strings narrow nothing."""

    search: str = ""
    status: str = ""
    role: str = ""
    organization: str = ""
    sort: str = DEFAULT_SORT


def _visible(user: User | AnonymousUser, *, archived: bool) -> QuerySet[Plan]:
    visible = plans_visible_to(user)
    if archived:
        return visible.filter(status=Plan.Status.ARCHIVED)
    return visible.exclude(status=Plan.Status.ARCHIVED)


def listed_plans(
    *, user: User | AnonymousUser, query: PlanListQuery = PlanListQuery(), archived: bool = False
) -> QuerySet[Plan]:
    """The plans the user sees (archived ones, or all the others), narrowed and sorted by
    `query`; each with `viewer_role` (None for a superuser who is not a member),
    `copied_from_title`, and its owners' memberships in `owner_memberships` (one query
    for the lot when evaluated)."""
    role = PlanMembership.objects.filter(plan=OuterRef("pk"), user=user.pk).values("role")[:1]
    plans = (
        _visible(user, archived=archived)
        .annotate(
            viewer_role=Subquery(role),
            viewer_organization_role=organization_role_subquery(user),
            copied_from_title=F("copied_from__title"),
        )
        .select_related("organization")
    )
    if query.search.strip():
        plans = plans.filter(title__icontains=query.search.strip())
    if query.status:
        plans = plans.filter(status=query.status)
    if query.role:
        plans = plans.filter(viewer_role=query.role)
    if query.organization:
        plans = plans.filter(organization__name=query.organization)
    owners = PlanMembership.objects.filter(role=PlanMembership.Role.OWNER).select_related("user")
    plans = plans.prefetch_related(
        Prefetch("memberships", queryset=owners.order_by("pk"), to_attr="owner_memberships")
    )
    if query.sort == "title":
        return plans.order_by(Lower("title"), "-updated_at", "-pk")
    if query.sort == "status":
        rank = Case(
            *(When(status=status, then=Value(n)) for n, status in enumerate(STATUS_ORDER)),
            default=Value(len(STATUS_ORDER)),
        )
        return plans.order_by(rank, "-updated_at", "-pk")
    return plans.order_by("-updated_at", "-pk")


def organizations_of_plans(*, user: User | AnonymousUser, archived: bool = False) -> list[str]:
    """The organizations of the plans the user sees, A to Z: the organization filter's
    choices."""
    return list(
        _visible(user, archived=archived)
        .order_by("organization__name")
        .values_list("organization__name", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class PlanCardFacts:
    """What a plan's card says besides its content: the viewer's role (None for a
    superuser who is not a member), its owners by name, and where it came from."""

    role: PlanMembership.Role | None
    owners: str
    copied_from_title: str
    # For one who is not a member: their overseeing role in the plan's organization.
    organization_role: OrganizationMembership.Role | None = None

    @property
    def cache_key_parts(self) -> tuple[str, ...]:
        return (self.role or "", self.organization_role or "", self.owners, self.copied_from_title)

    @property
    def seen_as(self) -> str:
        """Why a viewer who is not a member sees the plan: "an admin of its organization"."""
        if self.organization_role == OrganizationMembership.Role.ADMIN:
            return "an admin of its organization"
        if self.organization_role == OrganizationMembership.Role.COMMITTEE_MEMBER:
            return "a member of its organization's committee"
        return "an administrator"


def card_facts(plan: Plan) -> PlanCardFacts:
    """The card facts of a plan of listed_plans, from what it annotated and prefetched."""
    listed: Any = plan
    return PlanCardFacts(
        role=PlanMembership.Role(listed.viewer_role) if listed.viewer_role else None,
        organization_role=(
            OrganizationMembership.Role(listed.viewer_organization_role)
            if listed.viewer_organization_role
            else None
        ),
        owners=", ".join(display_name(m.user) for m in listed.owner_memberships),
        copied_from_title=listed.copied_from_title or "",
    )
