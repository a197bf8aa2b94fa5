"""What a user does across the site, whatever their role on one plan: what every page's
navigation needs to know about the signed-in user."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import Exists, OuterRef

from . import roles
from .models import WRITING_ROLES, PlanMembership


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


# The navigation asks on every page; a membership change forgets the answer at once
# (forget_site_roles), a group changed in the admin shows within this time.
SITE_ROLES_SECONDS = 60


def _key(user_id: int) -> str:
    return f"site-roles:{user_id}"


def cached_site_roles(user) -> SiteRoles:
    if not user.is_authenticated:
        return site_roles(user)
    roles_now = cache.get(_key(user.pk))
    if roles_now is None:
        roles_now = site_roles(user)
        cache.set(_key(user.pk), roles_now, SITE_ROLES_SECONDS)
    return roles_now


def forget_site_roles(user_id: int) -> None:
    cache.delete(_key(user_id))
