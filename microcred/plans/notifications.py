"""The e-mails a plan's workflow sends: who gets them and what they say."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils.text import Truncator

from .models import Invitation, PlanMembership, ReviewRound


@dataclass(frozen=True)
class Notification:
    subject: str
    body: str
    recipients: list[str]

    def __post_init__(self):
        # A subject is one header line: a line break in a plan's title would make the mail
        # library refuse the message (BadHeaderError), so whitespace runs become one space.
        object.__setattr__(self, "subject", " ".join(self.subject.split()))


def _name(user):
    return (user.get_full_name() or user.username) if user else "Someone"


def _link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _emails(plan, roles):
    return sorted(
        {
            m.user.email
            for m in plan.memberships.filter(role__in=roles).select_related("user")
            if m.user.email and m.user.is_active
        }
    )


def _writers(plan):
    return _emails(plan, [PlanMembership.Role.OWNER, PlanMembership.Role.EDITOR])


def submitted(review_round: ReviewRound) -> Notification:
    plan = review_round.plan
    if review_round.number > 1:
        path = reverse("plans:changes", kwargs={"plan_id": plan.pk})
        what = (
            f"This is review round {review_round.number}. See what changed since the last "
            f"round: {_link(path)}"
        )
    else:
        what = f"Open the plan: {_link(plan.get_absolute_url())}"
    note = f"\n\nTheir note: {review_round.note}" if review_round.note else ""
    return Notification(
        subject=f"Plan “{plan.title}” submitted for your review",
        body=f"{_name(review_round.submitted_by)} submitted the plan “{plan.title}” "
        f"({plan.organization}) for review.{note}\n\n{what}\n",
        recipients=_emails(plan, [PlanMembership.Role.REVIEWER]),
    )


def changes_requested(review_round: ReviewRound) -> Notification:
    plan = review_round.plan
    return Notification(
        subject=f"Changes requested on “{plan.title}”",
        body=f"{_name(review_round.decided_by)} requested changes to the plan “{plan.title}” "
        f"(review round {review_round.number}):\n\n{review_round.reason}\n\n"
        f"Its answers can be edited again: {_link(plan.get_absolute_url())}\n",
        recipients=_writers(plan),
    )


def approved(review_round: ReviewRound) -> Notification:
    plan = review_round.plan
    return Notification(
        subject=f"Plan “{plan.title}” approved",
        body=f"{_name(review_round.decided_by)} approved the plan “{plan.title}” "
        f"(review round {review_round.number}).\n\n{_link(plan.get_absolute_url())}\n",
        recipients=_writers(plan),
    )


def member_added(membership: PlanMembership) -> Notification:
    plan = membership.plan
    return Notification(
        subject=f"You were added to the plan “{plan.title}”",
        body=f"{_name(membership.added_by)} added you to the plan “{plan.title}” "
        f"({plan.organization}) as {membership.get_role_display().lower()}.\n\n"
        f"{_link(plan.get_absolute_url())}\n",
        recipients=[membership.user.email] if membership.user.email else [],
    )


def invitation_sent(invitation: Invitation) -> Notification:
    plan = invitation.plan
    role = PlanMembership.Role(invitation.role).label.lower()
    return Notification(
        subject=f"Invitation to the plan “{plan.title}”",
        body=f"{_name(invitation.invited_by)} invited you to the plan “{plan.title}” "
        f"({plan.organization}) on Microcred Planner, as {role}.\n\n"
        f"To join, open this link and create your account, or log in if you have one:\n"
        f"{_link(invitation.get_absolute_url())}\n\n"
        f"The link works until {invitation.expires_at:%d %B %Y}. If you did not expect "
        f"this invitation, you can ignore this e-mail.\n",
        # Withdrawn before the e-mail went out: its link would only say so.
        recipients=[invitation.email] if invitation.is_pending else [],
    )


def _comment_place(comment) -> str:
    if comment.question is None:
        return f"{comment.phase.title}, on the whole phase"
    return f"{comment.phase.title}, on “{Truncator(comment.question.text).words(12)}”"


def comment_digest(*, plan, comments, every_minutes: int) -> Notification:
    """One person's e-mail about the comments on a plan they have not heard of yet, oldest
    first: who wrote each, where, the start of it, and a link to its thread. The recipient
    is set by the caller."""
    entries = []
    for comment in comments:
        kind = "replied" if comment.thread_id else "commented"
        path = reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": comment.phase.slug})
        excerpt = Truncator(" ".join(comment.body.split())).chars(200)
        entries.append(
            f"{_name(comment.author)} {kind} in {_comment_place(comment)}:\n"
            f"“{excerpt}”\n{_link(path)}#thread-{comment.thread_id or comment.pk}"
        )
    count = len(comments)
    subject = (
        f"{_name(comments[0].author)} commented on “{plan.title}”"
        if count == 1
        else f"{count} new comments on “{plan.title}”"
    )
    preferences = _link(reverse("plans:notification_preferences"))
    return Notification(
        subject=subject,
        body=f"New on the plan “{plan.title}” ({plan.organization}):\n\n"
        + "\n\n".join(entries)
        + f"\n\n--\nYou get at most one e-mail per plan every {every_minutes} minutes about "
        f"comments. To stop these e-mails, change your preferences: {preferences}\n",
        recipients=[],
    )


BUILDERS = {
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
    subject = model.objects.select_related("plan").filter(pk=object_id).first()
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
