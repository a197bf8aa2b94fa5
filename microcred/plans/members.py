"""Who is on a plan, in which role."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .models import Plan, PlanMembership
from .outbox import notify_on_commit
from .services import display_name

ASSIGNABLE_ROLES = (
    PlanMembership.Role.EDITOR,
    PlanMembership.Role.VIEWER,
    PlanMembership.Role.REVIEWER,
)


@transaction.atomic
def add_member(*, plan: Plan, identifier: str, role: str, added_by) -> PlanMembership:
    """Give an existing user (found by username or e-mail) a role on the plan, or change
    the role they have. Raises ValidationError with a message for the form."""
    identifier = identifier.strip()
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError("Choose editor, viewer or committee reviewer.")
    users = get_user_model().objects.filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
    )
    matches = list(users[:2]) if identifier else []
    if not matches:
        raise ValidationError(
            f"No user has the username or e-mail “{identifier}”. They need an account first."
        )
    if len(matches) > 1:
        raise ValidationError(f"Several users have the e-mail “{identifier}”: use a username.")
    user = matches[0]
    membership = PlanMembership.objects.filter(plan=plan, user=user).first()
    if membership and membership.role == PlanMembership.Role.OWNER:
        raise ValidationError(f"{display_name(user)} owns this plan; the owner's role stays.")
    if membership:
        membership.role = role
        membership.save(update_fields=["role"])
        return membership
    membership = PlanMembership.objects.create(plan=plan, user=user, role=role, added_by=added_by)
    notify_on_commit("member_added", membership.pk)
    return membership


def remove_member(*, plan: Plan, membership_id: int) -> None:
    membership = PlanMembership.objects.filter(plan=plan, pk=membership_id).first()
    if membership is None:
        raise ValidationError("That person is not a member of this plan.")
    if membership.role == PlanMembership.Role.OWNER:
        raise ValidationError("The owner cannot be removed from their plan.")
    membership.delete()
