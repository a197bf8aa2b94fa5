"""Who is on a plan, in which role, and the invitations that bring people onto it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from .activity import record_activity
from .models import Invitation, Plan, PlanActivity, PlanMembership
from .outbox import notify_on_commit
from .permissions import AUTHOR_CANNOT_DECIDE, REVIEWERS_FROZEN_IN_REVIEW
from .reviewers import reviewer_facts
from .services import display_name
from .site_roles import forget_site_roles

ASSIGNABLE_ROLES = (
    PlanMembership.Role.EDITOR,
    PlanMembership.Role.VIEWER,
    PlanMembership.Role.REVIEWER,
)
INVALID_INVITATION = "This invitation link is not valid. Check that you copied all of it."
# Said to the person accepting, who holds the link and knows their own accounts.
OWNER_ROLE_STAYS = "You own this plan, so your role on it stays owner."
REVIEWERS_FROZEN_AT_ACCEPTANCE = (
    "The plan is in review, and its committee reviewers stay as they are until the decision. "
    "Open this link again once the plan is decided, or ask its owner to invite you again."
)
NOT_IN_COMMITTEE_TO_ACCEPT = (
    "This invitation is for a committee reviewer, and only members of the committee of the "
    "plan's organization can review it. Log in with your committee account, or ask one of "
    "the organization's admins to add you to its committee."
)


def invitation_sent_message(invitation: Invitation) -> str:
    """What the owner is told, the same whatever the address."""
    role = PlanMembership.Role(invitation.role).label.lower()
    return f"We sent an invitation to {invitation.email}. They will join the plan as {role}."


def _locked(plan: Plan) -> Plan:
    # Locking the plan's row serializes member changes with submitting, so that a
    # reviewer cannot be swapped while the plan goes into review.
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _join(*, plan: Plan, user, role: str, added_by) -> PlanMembership:
    """Give the user who accepted an invitation its role (plan locked by the caller),
    reviewers' rules applied, with messages for them."""
    membership = PlanMembership.objects.filter(plan=plan, user=user).first()
    if membership and membership.role == PlanMembership.Role.OWNER:
        raise ValidationError(OWNER_ROLE_STAYS)
    if membership and membership.role == role:
        return membership
    was_reviewer = membership is not None and membership.role == PlanMembership.Role.REVIEWER
    becomes_reviewer = role == PlanMembership.Role.REVIEWER
    if (was_reviewer or becomes_reviewer) and plan.status == Plan.Status.IN_REVIEW:
        raise ValidationError(REVIEWERS_FROZEN_AT_ACCEPTANCE)
    if becomes_reviewer:
        facts = reviewer_facts(user=user, plan=plan)
        if not facts.is_committee_member:
            raise ValidationError(NOT_IN_COMMITTEE_TO_ACCEPT)
        if facts.has_written_in_plan:
            raise ValidationError(AUTHOR_CANNOT_DECIDE)
    label = PlanMembership.Role(role).label.lower()
    transaction.on_commit(lambda: forget_site_roles(user.pk))
    if membership:
        previous = membership.get_role_display().lower()
        membership.role = role
        membership.save(update_fields=["role"])
        record_activity(
            plan=plan,
            actor=user,
            verb=PlanActivity.Verb.ROLE_CHANGED,
            summary=f"{display_name(user)} accepted an invitation and is now {label} "
            f"(was {previous})",
        )
        return membership
    membership = PlanMembership.objects.create(plan=plan, user=user, role=role, added_by=added_by)
    record_activity(
        plan=plan,
        actor=user,
        verb=PlanActivity.Verb.JOINED,
        summary=f"{display_name(user)} joined as {label}",
    )
    notify_on_commit("member_added", membership.pk)
    return membership


@transaction.atomic
def invite_member(*, plan: Plan, email: str, role: str, invited_by) -> Invitation:
    """E-mail the address a link that brings its reader onto the plan in the role, with an
    account they have or a new one; for a current member, accepting changes their role.
    Every address is treated alike (one account has it, several, none, or a member), and
    the members table changes only on acceptance, so that the owner cannot tell which
    addresses have accounts. Who may hold the role is checked when the link is accepted.
    Raises ValidationError with a message for the form."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError("Enter a valid e-mail address.") from None
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError("Choose editor, viewer or committee reviewer.")
    plan = _locked(plan)
    if role == PlanMembership.Role.REVIEWER and plan.status == Plan.Status.IN_REVIEW:
        raise ValidationError(REVIEWERS_FROZEN_IN_REVIEW)
    # A fresh invitation replaces an earlier one to the same address: one link works.
    plan.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    invitation = Invitation(plan=plan, email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    invitation.save()
    record_activity(
        plan=plan,
        actor=invited_by,
        verb=PlanActivity.Verb.INVITED,
        summary=f"{display_name(invited_by)} invited {email} as "
        f"{PlanMembership.Role(role).label.lower()}",
    )
    notify_on_commit("invitation_sent", invitation.pk)
    return invitation


@transaction.atomic
def remove_member(*, plan: Plan, membership_id: int, removed_by=None) -> None:
    plan = _locked(plan)
    membership = (
        PlanMembership.objects.select_related("user").filter(plan=plan, pk=membership_id).first()
    )
    if membership is None:
        raise ValidationError("That person is not a member of this plan.")
    if membership.role == PlanMembership.Role.OWNER:
        raise ValidationError("The owner cannot be removed from their plan.")
    if membership.role == PlanMembership.Role.REVIEWER and plan.status == Plan.Status.IN_REVIEW:
        raise ValidationError(REVIEWERS_FROZEN_IN_REVIEW)
    record_activity(
        plan=plan,
        actor=removed_by,
        verb=PlanActivity.Verb.REMOVED,
        summary=f"{display_name(removed_by)} removed {display_name(membership.user)} "
        f"({membership.get_role_display().lower()})",
    )
    membership.delete()
    transaction.on_commit(lambda: forget_site_roles(membership.user_id))


def pending_invitations(plan: Plan) -> list[Invitation]:
    """The plan's invitations that can still be accepted, oldest first."""
    invitations = plan.invitations.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True
    ).select_related("invited_by")
    return [invitation for invitation in invitations if not invitation.is_expired]


@transaction.atomic
def withdraw_invitation(*, plan: Plan, invitation_id: int, withdrawn_by=None) -> Invitation:
    withdrawn = plan.invitations.filter(
        pk=invitation_id, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    if not withdrawn:
        raise ValidationError("That invitation was already accepted or withdrawn.")
    invitation = plan.invitations.get(pk=invitation_id)
    record_activity(
        plan=plan,
        actor=withdrawn_by,
        verb=PlanActivity.Verb.INVITATION_WITHDRAWN,
        summary=f"{display_name(withdrawn_by)} withdrew the invitation to {invitation.email}",
    )
    return invitation


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
    """Put the user on the invitation's plan in its role, or give them the role if they
    are a member. Whoever holds the link may accept it with their account, whatever its
    address: the link went to the address it was sent to. The reviewers' rules are checked
    now, when the account is known; a refusal leaves the link working."""
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
    return _join(plan=plan, user=user, role=invitation.role, added_by=invitation.invited_by)


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
