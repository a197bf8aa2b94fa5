"""The e-mails a plan's workflow sends: who gets them, what they say, and their delivery
once recorded (see outbox.py): sent once, a failure recorded on the row."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F, Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from microcred.site_url.address import absolute_url

from .models import WRITING_ROLES, Invitation, PendingNotification, PlanMembership, ReviewRound

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notification:
    subject: str
    body: str
    recipients: list[str]

    def __post_init__(self):
        # A subject is one header line: a line break in a plan's title would make the mail
        # library refuse the message (BadHeaderError), so whitespace runs become one space.
        object.__setattr__(self, "subject", " ".join(self.subject.split()))


def person_name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Someone"


def site_link(path: str) -> str:
    return absolute_url(path)


def _emails(plan, roles):
    return sorted(
        {
            m.user.email
            for m in plan.memberships.filter(role__in=roles).select_related("user")
            if m.user.email and m.user.is_active
        }
    )


def _writers(plan):
    return _emails(plan, WRITING_ROLES)


def submitted(review_round: ReviewRound) -> Notification:
    plan = review_round.plan
    if review_round.number > 1:
        path = reverse("review:changes", kwargs={"plan_id": plan.pk})
        what = (
            f"This is review round {review_round.number}. See what changed since the last "
            f"round: {site_link(path)}"
        )
    else:
        what = f"Open the plan: {site_link(plan.get_absolute_url())}"
    note = f"\n\nTheir note: {review_round.note}" if review_round.note else ""
    return Notification(
        subject=f"Plan “{plan.title}” submitted for your review",
        body=f"{person_name(review_round.submitted_by)} submitted the plan “{plan.title}” "
        f"({plan.organization}) for review.{note}\n\n{what}\n",
        recipients=_emails(plan, [PlanMembership.Role.REVIEWER]),
    )


def changes_requested(review_round: ReviewRound) -> Notification:
    plan = review_round.plan
    return Notification(
        subject=f"Changes requested on “{plan.title}”",
        body=f"{person_name(review_round.decided_by)} requested changes to the plan “{plan.title}” "
        f"(review round {review_round.number}):\n\n{review_round.reason}\n\n"
        f"Its answers can be edited again: {site_link(plan.get_absolute_url())}\n",
        recipients=_writers(plan),
    )


def approved(review_round: ReviewRound) -> Notification:
    plan = review_round.plan
    return Notification(
        subject=f"Plan “{plan.title}” approved",
        body=f"{person_name(review_round.decided_by)} approved the plan “{plan.title}” "
        f"(review round {review_round.number}).\n\n{site_link(plan.get_absolute_url())}\n",
        recipients=_writers(plan),
    )


def member_added(membership: PlanMembership) -> Notification:
    plan = membership.plan
    return Notification(
        subject=f"You were added to the plan “{plan.title}”",
        body=f"{person_name(membership.added_by)} added you to the plan “{plan.title}” "
        f"({plan.organization}) as {membership.get_role_display().lower()}.\n\n"
        f"{site_link(plan.get_absolute_url())}\n",
        recipients=[membership.user.email] if membership.user.email else [],
    )


def invitation_sent(invitation: Invitation) -> Notification:
    plan = invitation.plan
    role = PlanMembership.Role(invitation.role).label.lower()
    return Notification(
        subject=f"Invitation to the plan “{plan.title}”",
        body=f"{person_name(invitation.invited_by)} invited you to the plan “{plan.title}” "
        f"({plan.organization}) on Microcred Planner, as {role}.\n\n"
        f"To join, open this link and create your account, or log in if you have one:\n"
        f"{site_link(invitation.get_absolute_url())}\n\n"
        f"The link works until {invitation.expires_at:%d %B %Y}. If you did not expect "
        f"this invitation, you can ignore this e-mail.\n",
        # Withdrawn before the e-mail went out: its link would only say so.
        recipients=[invitation.email] if invitation.is_pending else [],
    )


# Any: each builder takes an object of the model beside it.
BUILDERS: dict[str, tuple[type[Model], Callable[[Any], Notification]]] = {
    "submitted": (ReviewRound, submitted),
    ReviewRound.Decision.CHANGES_REQUESTED: (ReviewRound, changes_requested),
    ReviewRound.Decision.APPROVED: (ReviewRound, approved),
    "member_added": (PlanMembership, member_added),
    "invitation_sent": (Invitation, invitation_sent),
}


def send_notification(*, event: str, object_id: int) -> int:
    """Send the e-mail for a workflow event; returns how many were sent. An object that
    is gone by now (e.g. a member removed at once) sends nothing."""
    model, build = BUILDERS[event]
    subject = model._default_manager.select_related("plan").filter(pk=object_id).first()
    if subject is None:
        return 0
    notification = build(subject)
    if not notification.recipients:
        return 0
    messages = [
        (notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [recipient])
        for recipient in notification.recipients
    ]
    return send_mass_mail(messages, fail_silently=False)


def deliver_notification(*, notification_id: int) -> int:
    """Send a pending notification's e-mails and mark it sent; returns how many were
    sent. Safe to run twice, even at once: the row is locked while its e-mail goes out, so
    a second delivery (a duplicate the resend handed over) skips it, and one already sent
    is left alone. A failure is logged with the event and object, recorded on the row, and
    raised again."""
    with transaction.atomic():
        notification = (
            PendingNotification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, sent_at=None)
            .first()
        )
        if notification is None:
            return 0
        notification.attempts += 1
        notification.attempted_at = timezone.now()
        try:
            # A savepoint: a database error while sending leaves the attempt recordable.
            with transaction.atomic():
                sent = send_notification(event=notification.event, object_id=notification.object_id)
        except Exception as error:
            logger.warning(
                "Could not send the %s notification for object %s (notification %s, attempt %s)",
                notification.event,
                notification.object_id,
                notification.pk,
                notification.attempts,
                exc_info=True,
            )
            notification.last_error = f"{type(error).__name__}: {error}"
            notification.save(update_fields=["attempts", "attempted_at", "last_error"])
            failure = error
        else:
            notification.sent_at = timezone.now()
            notification.last_error = ""
            notification.save(update_fields=["attempts", "attempted_at", "sent_at", "last_error"])
            return sent
    raise failure


def notifications_to_resend() -> QuerySet[PendingNotification]:
    """What is still unsent: notifications the broker refused; those handed over a while
    ago (NOTIFICATION_RESEND_UNSTARTED_AFTER) that no worker began since, which the broker
    lost; and those handed over long ago (NOTIFICATION_RESEND_AFTER, longer than a task's
    own retries take) that never went out; until NOTIFICATION_MAX_ATTEMPTS tries failed."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER)
    unstarted = now - datetime.timedelta(seconds=settings.NOTIFICATION_RESEND_UNSTARTED_AFTER)
    not_begun_since = Q(attempted_at=None) | Q(attempted_at__lt=F("dispatched_at"))
    return PendingNotification.objects.filter(
        Q(dispatched_at=None)
        | Q(dispatched_at__lt=stale)
        | (Q(dispatched_at__lt=unstarted) & not_begun_since),
        sent_at=None,
        attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
    )
