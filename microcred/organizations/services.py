"""Organizations and their people: which organization a new plan goes to, and who is in it."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from microcred.questionnaires.typed_text import validate_single_line

from .models import PLANNING_ROLES, EmailDomain, Organization, OrganizationMembership


def not_a_planner_of(organization: Organization) -> str:
    return (
        f"You do not plan for {organization.name}: ask one of its organization admins to "
        "add you as a program manager, or name another organization."
    )


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, number = base, 1
    while Organization.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def may_plan_in(*, user: AbstractBaseUser | AnonymousUser, organization: Organization) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return OrganizationMembership.objects.filter(
        organization=organization, user_id=user.pk, role__in=PLANNING_ROLES
    ).exists()


def organization_for_new_plan(*, user: AbstractBaseUser, name: str) -> Organization:
    """The organization a plan of `user` named `name` belongs to: the organization of that
    name (in any case) if they plan for it; a new one, with them as its admin, when none
    has the name. Refused (ValidationError) for an organization they do not plan for."""
    validate_single_line(name, label="organization")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Name the organization that will offer the microcredential.")
    organization = Organization.objects.filter(name__iexact=name).first()
    if organization is None:
        try:
            with transaction.atomic():
                organization = Organization.objects.create(name=name, slug=unique_slug(name))
        except IntegrityError:  # made by someone else meanwhile
            organization = Organization.objects.get(name__iexact=name)
        else:
            OrganizationMembership.objects.create(
                organization=organization, user=user, role=OrganizationMembership.Role.ADMIN
            )
            return organization
    if not may_plan_in(user=user, organization=organization):
        raise ValidationError(not_a_planner_of(organization))
    return organization


def organization_for_imported_plan(*, user: User, name: str) -> Organization:
    """The organization of a plan `user` imports or copies from a file naming `name`: that
    one if they plan for it (or none has the name), else the first they plan for; only when
    they plan for none is the named one refused."""
    try:
        return organization_for_new_plan(user=user, name=name)
    except ValidationError:
        first = (
            Organization.objects.filter(
                memberships__user_id=user.pk, memberships__role__in=PLANNING_ROLES
            )
            .order_by("name")
            .first()
        )
        if first is None:
            raise
        return first


def add_member(
    *, organization: Organization, user: AbstractBaseUser, role: str
) -> OrganizationMembership:
    membership, _ = OrganizationMembership.objects.get_or_create(
        organization=organization, user=user, role=role
    )
    return membership


def organization_of_address(email: str) -> Organization | None:
    """The organization whose staff have addresses at the e-mail's domain, if any."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    found = EmailDomain.objects.filter(domain=domain).select_related("organization").first()
    return found.organization if found else None
