"""What a user is in the organizations: where they plan, and what they oversee."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import OVERSEEING_ROLES, PLANNING_ROLES, Organization, OrganizationMembership


def planning_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The organizations in which the user may start plans (every one for a superuser)."""
    if isinstance(user, AnonymousUser):
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=PLANNING_ROLES
    ).distinct()


def overseen_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The organizations whose every plan the user sees: as their admin or on their
    committee (every one for a superuser)."""
    if isinstance(user, AnonymousUser):
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=OVERSEEING_ROLES
    ).distinct()


@dataclass(frozen=True)
class OrganizationRoles:
    """An organization and the roles one user holds in it."""

    organization: Organization
    roles: list[str]  # role values, in the order of OrganizationMembership.Role

    @property
    def role_labels(self) -> list[str]:
        return [str(OrganizationMembership.Role(role).label) for role in self.roles]

    @property
    def administers(self) -> bool:
        return OrganizationMembership.Role.ADMIN in self.roles


@dataclass(frozen=True)
class Person:
    """Someone in an organization, with all of their roles in it."""

    user: User
    roles: list[str]  # role values, in the order of OrganizationMembership.Role
    since: datetime

    @property
    def role_labels(self) -> list[tuple[str, str]]:
        return [(role, str(OrganizationMembership.Role(role).label)) for role in self.roles]

    @property
    def roles_to_give(self) -> list[tuple[str, str]]:
        return [
            (role, str(label))
            for role, label in OrganizationMembership.Role.choices
            if role not in self.roles
        ]


def _role_order(role: str) -> int:
    return list(OrganizationMembership.Role.values).index(role)


def organizations_of(user: User | AnonymousUser) -> list[OrganizationRoles]:
    """The organizations the user belongs to, by name, with their roles in each (for a
    superuser, every organization, with theirs where they have any); one query, two for a
    superuser."""
    if isinstance(user, AnonymousUser):
        return []
    if user.is_superuser:
        return _every_organization_with_roles_of(user)
    by_organization: dict[int, OrganizationRoles] = {}
    memberships = (
        OrganizationMembership.objects.filter(user_id=user.pk)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )
    for membership in memberships:
        entry = by_organization.setdefault(
            membership.organization_id, OrganizationRoles(membership.organization, [])
        )
        entry.roles.append(membership.role)
    for entry in by_organization.values():
        entry.roles.sort(key=_role_order)
    return list(by_organization.values())


def _every_organization_with_roles_of(user: User) -> list[OrganizationRoles]:
    roles = Prefetch(
        "memberships",
        queryset=OrganizationMembership.objects.filter(user_id=user.pk),
        to_attr="roles_of_user",
    )
    entries = []
    for organization in Organization.objects.order_by("name").prefetch_related(roles):
        held: list[OrganizationMembership] = organization.roles_of_user
        entries.append(
            OrganizationRoles(organization, sorted((m.role for m in held), key=_role_order))
        )
    return entries


def people_of(organization: Organization) -> list[Person]:
    """The organization's people, by name, each with their roles; one query."""
    by_user: dict[int, Person] = {}
    memberships = OrganizationMembership.objects.filter(organization=organization).select_related(
        "user"
    )
    for membership in memberships:
        person = by_user.setdefault(
            membership.user_id, Person(membership.user, [], membership.added_at)
        )
        person.roles.append(membership.role)
        if membership.added_at < person.since:
            by_user[membership.user_id] = Person(person.user, person.roles, membership.added_at)
    people = list(by_user.values())
    for person in people:
        person.roles.sort(key=_role_order)
    return sorted(people, key=_person_sort_key)


def _person_sort_key(person: Person) -> tuple[str, str]:
    user = person.user
    name = user.get_full_name() or user.get_username()
    return (name.casefold(), user.get_username())


NOT_AN_ADMIN = (
    "Only the organization's admins manage its people and settings: ask one of them to "
    "give you the admin role."
)


def organization_to_administer(user: User | AnonymousUser, slug: str) -> Organization:
    """The organization of that slug, for one of its admins or a superuser. Http404 for
    anyone outside it (its people are not revealed); PermissionDenied, with the reason,
    for its members who are not admins."""
    organization = get_object_or_404(Organization, slug=slug)
    if isinstance(user, AnonymousUser):
        raise Http404("No such organization.")
    if user.is_superuser:
        return organization
    roles = set(
        OrganizationMembership.objects.filter(
            organization=organization, user_id=user.pk
        ).values_list("role", flat=True)
    )
    if not roles:
        raise Http404("No such organization.")
    if OrganizationMembership.Role.ADMIN not in roles:
        raise PermissionDenied(NOT_AN_ADMIN)
    return organization


def administers(user: User | AnonymousUser, organization: Organization) -> bool:
    """Whether the user manages the organization's people: its admin, or a superuser."""
    if isinstance(user, AnonymousUser):
        return False
    return user.is_superuser or (
        OrganizationMembership.objects.filter(
            organization=organization, user_id=user.pk, role=OrganizationMembership.Role.ADMIN
        ).exists()
    )


def committee_members(organization_id: int) -> QuerySet[User]:
    """The organization's committee members, by name: whom a plan's owner may make its
    reviewers."""
    return (
        get_user_model()
        .objects.filter(
            organization_memberships__organization_id=organization_id,
            organization_memberships__role=OrganizationMembership.Role.COMMITTEE_MEMBER,
            is_active=True,
        )
        .order_by("first_name", "last_name", "username")
    )
