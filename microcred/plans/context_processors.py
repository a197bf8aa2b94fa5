"""What every page's navigation needs to know about the signed-in user."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.functional import SimpleLazyObject

from . import roles
from .models import PlanMembership

WRITING_ROLES = (PlanMembership.Role.OWNER, PlanMembership.Role.EDITOR)


@dataclass(frozen=True)
class SiteRoles:
    """What a user does across the site, whatever their role on one plan."""

    reviews: bool  # in the Committee reviewers group, or a reviewer of some plan
    writes: bool  # in the Program managers group, or an owner or editor of some plan


def site_roles(user) -> SiteRoles:
    """The user's site-wide roles, in one query."""
    if not user.is_authenticated:
        return SiteRoles(reviews=False, writes=False)
    groups = Group.objects.filter(user=OuterRef("pk"))
    memberships = PlanMembership.objects.filter(user=OuterRef("pk"))
    in_committee, reviews_a_plan, is_manager, writes_a_plan = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(groups.filter(name=roles.COMMITTEE_REVIEWERS)),
            Exists(memberships.filter(role=PlanMembership.Role.REVIEWER)),
            Exists(groups.filter(name=roles.PROGRAM_MANAGERS)),
            Exists(memberships.filter(role__in=WRITING_ROLES)),
        )
        .get()
    )
    return SiteRoles(reviews=in_committee or reviews_a_plan, writes=is_manager or writes_a_plan)


def navigation(request) -> dict:
    # Lazy: only pages that draw the navigation bar pay for the query (not the admin's,
    # not htmx fragments).
    return {"user_reviews": SimpleLazyObject(lambda: site_roles(request.user).reviews)}
