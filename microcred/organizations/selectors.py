"""What a user is in the organizations: where they plan, and what they oversee."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from .models import OVERSEEING_ROLES, PLANNING_ROLES, Organization


def planning_organizations(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organization]:
    """The organizations in which the user may start plans (every one for a superuser)."""
    if getattr(user, "is_superuser", False):
        return Organization.objects.all()
    return Organization.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=PLANNING_ROLES
    ).distinct()


def overseen_organizations(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organization]:
    """The organizations whose every plan the user sees: as their admin or on their
    committee (every one for a superuser)."""
    if getattr(user, "is_superuser", False):
        return Organization.objects.all()
    return Organization.objects.filter(
        memberships__user_id=user.pk, memberships__role__in=OVERSEEING_ROLES
    ).distinct()
