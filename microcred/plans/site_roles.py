"""What a user does across the site, whatever their role on one plan: what every page's
navigation needs to know about the signed-in user."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef

from microcred.organizations.models import PLANNING_ROLES, OrganizationMembership

from .models import WRITING_ROLES, PlanMembership


@dataclass(frozen=True)
class SiteRoles:
    """What a user does across the site, whatever their role on one plan."""

    reviews: bool  # on an organization's committee, or a reviewer of some plan
    writes: bool  # program manager or admin of an organization, or a writer of some plan
    oversees: bool = False  # admin or committee member of some organization: its portfolio
    administers: bool = False  # admin of some organization: its people


def site_roles(user) -> SiteRoles:
    """The user's site-wide roles, in one query."""
    if not user.is_authenticated:
        return SiteRoles(reviews=False, writes=False)
    in_organization = OrganizationMembership.objects.filter(user=OuterRef("pk"))
    memberships = PlanMembership.objects.filter(user=OuterRef("pk"))
    Role = OrganizationMembership.Role
    in_committee, reviews_a_plan, plans_for_one, writes_a_plan, is_admin = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(in_organization.filter(role=Role.COMMITTEE_MEMBER)),
            Exists(memberships.filter(role=PlanMembership.Role.REVIEWER)),
            Exists(in_organization.filter(role__in=PLANNING_ROLES)),
            Exists(memberships.filter(role__in=WRITING_ROLES)),
            Exists(in_organization.filter(role=Role.ADMIN)),
        )
        .get()
    )
    return SiteRoles(
        reviews=in_committee or reviews_a_plan,
        writes=plans_for_one or writes_a_plan,
        oversees=in_committee or is_admin or user.is_superuser,
        administers=is_admin or user.is_superuser,
    )


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


def forget_site_roles_of_member(sender, instance: OrganizationMembership, **kwargs) -> None:
    """A role given or taken in an organization (its people page, the admin) shows in the
    navigation at once: connected to OrganizationMembership's post_save and post_delete."""
    user_id = instance.user_id
    transaction.on_commit(lambda: forget_site_roles(user_id))
