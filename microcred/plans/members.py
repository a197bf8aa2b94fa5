"""Who is on a plan, in which role, and the invitations that bring people onto it."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from .models import Invitation, Plan, PlanMembership
from .outbox import notify_on_commit
from .permissions import REVIEWER_NEEDS_COMMITTEE, REVIEWERS_FROZEN_IN_REVIEW, reviewer_refusal
from .services import display_name

ASSIGNABLE_ROLES = (
    PlanMembership.Role.EDITOR,
    PlanMembership.Role.VIEWER,
    PlanMembership.Role.REVIEWER,
)
INVALID_INVITATION = "This invitation link is not valid. Check that you copied all of it."


@dataclass(frozen=True)
class Invited:
    """What inviting an address did: added an account that has it, or e-mailed a link.
    Views say the same either way, so that the form does not tell who has an account."""

    email: str
    role: str
    membership: PlanMembership | None = None
    invitation: Invitation | None = None

    @property
    def message(self) -> str:
        role = PlanMembership.Role(self.role).label.lower()
        return f"We sent an invitation to {self.email}. They will join the plan as {role}."


def _locked(plan: Plan) -> Plan:
    # Locking the plan's row serializes member changes with submitting, so that a
    # reviewer cannot be swapped while the plan goes into review.
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _set_role(*, plan: Plan, user, role: str, added_by) -> PlanMembership:
    """Give the user the role (plan locked by the caller), reviewers' rules applied."""
    membership = PlanMembership.objects.filter(plan=plan, user=user).first()
    if membership and membership.role == PlanMembership.Role.OWNER:
        raise ValidationError(f"{display_name(user)} owns this plan; the owner's role stays.")
    if membership and membership.role == role:
        return membership
    was_reviewer = membership is not None and membership.role == PlanMembership.Role.REVIEWER
    becomes_reviewer = role == PlanMembership.Role.REVIEWER
    if (was_reviewer or becomes_reviewer) and plan.status == Plan.Status.IN_REVIEW:
        raise ValidationError(REVIEWERS_FROZEN_IN_REVIEW)
    if role == PlanMembership.Role.REVIEWER:
        refusal = reviewer_refusal(user=user, plan=plan)
        if refusal:
            raise ValidationError(refusal)
    if membership:
        membership.role = role
        membership.save(update_fields=["role"])
        return membership
    membership = PlanMembership.objects.create(plan=plan, user=user, role=role, added_by=added_by)
    notify_on_commit("member_added", membership.pk)
    return membership


@transaction.atomic
def invite_member(*, plan: Plan, email: str, role: str, invited_by) -> Invited:
    """Bring the person with this e-mail address onto the plan in the role: an account
    with the address (only one) is added, or has its role changed, at once; any other
    address is e-mailed an invitation link that creates an account. Reviewers must have a
    committee account already, and are refused with the same words whether or not the
    address has one. Raises ValidationError with a message for the form."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError("Enter a valid e-mail address.") from None
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError("Choose editor, viewer or committee reviewer.")
    plan = _locked(plan)
    accounts = list(
        get_user_model().objects.filter(email__iexact=email, is_active=True).order_by("pk")[:2]
    )
    account = accounts[0] if len(accounts) == 1 else None
    if role == PlanMembership.Role.REVIEWER:
        if plan.status == Plan.Status.IN_REVIEW:
            raise ValidationError(REVIEWERS_FROZEN_IN_REVIEW)
        if account is None:
            raise ValidationError(REVIEWER_NEEDS_COMMITTEE)
    if account is not None:
        membership = _set_role(plan=plan, user=account, role=role, added_by=invited_by)
        return Invited(email=email, role=role, membership=membership)
    # A fresh invitation replaces an earlier one to the same address: one link works.
    plan.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    invitation = Invitation(plan=plan, email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    invitation.save()
    notify_on_commit("invitation_sent", invitation.pk)
    return Invited(email=email, role=role, invitation=invitation)


@transaction.atomic
def remove_member(*, plan: Plan, membership_id: int) -> None:
    plan = _locked(plan)
    membership = PlanMembership.objects.filter(plan=plan, pk=membership_id).first()
    if membership is None:
        raise ValidationError("That person is not a member of this plan.")
    if membership.role == PlanMembership.Role.OWNER:
        raise ValidationError("The owner cannot be removed from their plan.")
    if membership.role == PlanMembership.Role.REVIEWER and plan.status == Plan.Status.IN_REVIEW:
        raise ValidationError(REVIEWERS_FROZEN_IN_REVIEW)
    membership.delete()


def pending_invitations(plan: Plan) -> list[Invitation]:
    """The plan's invitations that can still be accepted, oldest first."""
    invitations = plan.invitations.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True
    ).select_related("invited_by")
    return [invitation for invitation in invitations if not invitation.is_expired]


@transaction.atomic
def withdraw_invitation(*, plan: Plan, invitation_id: int) -> Invitation:
    withdrawn = plan.invitations.filter(
        pk=invitation_id, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if not withdrawn:
        raise ValidationError("That invitation was already accepted or withdrawn.")
    return plan.invitations.get(pk=invitation_id)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to, whatever its state; ValidationError when the
    link was not made by us (mistyped, cut short or forged)."""
    try:
        invitation_id = signing.loads(token, salt=Invitation.TOKEN_SALT)
    except signing.BadSignature:
        raise ValidationError(INVALID_INVITATION) from None
    invitation = (
        Invitation.objects.select_related("plan", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None:
        raise ValidationError(INVALID_INVITATION)
    return invitation


def invitation_refusal(invitation: Invitation) -> str:
    """Why the invitation cannot be accepted any more ("" when it can)."""
    if invitation.withdrawn_at:
        return (
            "This invitation was withdrawn by the plan's owner. Ask them to invite you "
            "again if you should be on the plan."
        )
    if invitation.accepted_at:
        return "This invitation was accepted already. Log in to open the plan."
    if invitation.is_expired:
        expired_on = date_format(localtime(invitation.expires_at), "j F Y")
        return f"This invitation expired on {expired_on}. Ask the plan's owner to invite you again."
    return ""


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> PlanMembership:
    """Put the user on the invitation's plan in its role. Whoever holds the link may
    accept it with their account: the link went to the address it was sent to."""
    refusal = invitation_refusal(invitation)
    if refusal:
        raise ValidationError(refusal)
    # Claimed with a conditional UPDATE, so that a link is used once even when its
    # page is submitted twice at the same moment.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(accepted_at=timezone.now(), accepted_by=user)
    if not claimed:
        invitation.refresh_from_db()
        raise ValidationError(invitation_refusal(invitation))
    plan = _locked(invitation.plan)
    return _set_role(plan=plan, user=user, role=invitation.role, added_by=invitation.invited_by)


@transaction.atomic
def accept_invitation_with_new_account(
    *, invitation: Invitation, username: str, first_name: str, last_name: str, password: str
):
    """Create an account for the invitation's address and accept the invitation with it;
    returns the new user."""
    refusal = invitation_refusal(invitation)
    if refusal:
        raise ValidationError(refusal)
    user = get_user_model()(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=invitation.email,
    )
    user.set_password(password)
    user.full_clean()
    validate_password(password, user)
    user.save()
    accept_invitation(invitation=invitation, user=user)
    return user
