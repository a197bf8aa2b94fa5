"""E-mails about new comments. Each comment is noted for the people it concerns (the
plan's owner and editors, and those who wrote in its thread, not its own author); each
person then gets at most one e-mail per plan every DIGEST_INTERVAL, listing what came
since the last one. A digest goes out once its oldest comment has waited DIGEST_INTERVAL,
so that a burst of comments makes one e-mail; the rule is kept in the data (the notices'
times and each person's watermark), whichever run sends it."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from microcred.plans.models import (
    WRITING_ROLES,
    Comment,
    CommentDigest,
    CommentNotice,
    NotificationPreference,
    PlanMembership,
)
from microcred.plans.notifications import Notification, person_name, site_link

DIGEST_INTERVAL = datetime.timedelta(minutes=15)


def wants_comment_emails(user) -> bool:
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.comment_emails


@transaction.atomic
def set_comment_emails(*, user, enabled: bool) -> NotificationPreference:
    """Turn the user's comment e-mails on or off; digests already due are dropped when off."""
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"comment_emails": enabled}
    )
    return preference


def comment_recipients(comment: Comment) -> list:
    """Who should hear of the comment: the plan's writers, and on a reply the thread's
    participants who are still members; never its author, nor those who opted out or
    have no address."""
    members = PlanMembership.objects.filter(plan_id=comment.plan_id)
    who = Q(role__in=WRITING_ROLES)
    if comment.thread_id is not None:
        participants = Comment.objects.filter(
            Q(pk=comment.thread_id) | Q(thread_id=comment.thread_id)
        ).values("author_id")
        who |= Q(user_id__in=participants)
    memberships = members.filter(who, user__is_active=True)
    if comment.author_id is not None:  # None: the account is gone, and its membership with it
        memberships = memberships.exclude(user_id=comment.author_id)
    memberships = (
        memberships.exclude(user__email="")
        .exclude(user__notification_preference__comment_emails=False)
        .select_related("user")
    )
    return sorted({m.user for m in memberships}, key=lambda user: user.pk)


def record_comment_notices(*, comment: Comment) -> list[int]:
    """Note the comment for each person who should hear of it (once, however often this
    runs); returns their ids. Called in the transaction that posts the comment."""
    recipients = comment_recipients(comment)
    now = timezone.now()
    CommentNotice.objects.bulk_create(
        [
            CommentNotice(comment=comment, recipient=user, plan_id=comment.plan_id, created_at=now)
            for user in recipients
        ],
        ignore_conflicts=True,
    )
    CommentDigest.objects.bulk_create(
        [CommentDigest(recipient=user, plan_id=comment.plan_id) for user in recipients],
        ignore_conflicts=True,
    )
    return [user.pk for user in recipients]


@transaction.atomic
def send_comment_digest(*, recipient_id: int, plan_id: int, now=None) -> int:
    """E-mail the person the plan's comments they have not heard of, if a digest is due:
    the oldest has waited DIGEST_INTERVAL and so has their last e-mail about the plan.
    Claimed with a conditional update of their watermark, so that two runs never both
    send; a failed send rolls the claim back. Returns how many e-mails were sent (0 or 1)."""
    now = now or timezone.now()
    due_before = now - DIGEST_INTERVAL
    digest = (
        CommentDigest.objects.select_related("recipient", "plan")
        .filter(recipient_id=recipient_id, plan_id=plan_id)
        .first()
    )
    if digest is None or (digest.last_sent_at and digest.last_sent_at > due_before):
        return 0
    notices = list(
        CommentNotice.objects.filter(recipient_id=recipient_id, plan_id=plan_id, sent_at=None)
        .select_related("comment__author", "comment__phase", "comment__question")
        .order_by("created_at", "comment__created_at", "pk")
    )
    if not notices or notices[0].created_at > due_before:
        return 0
    claimed = CommentDigest.objects.filter(pk=digest.pk, last_sent_at=digest.last_sent_at).update(
        last_sent_at=now
    )
    if not claimed:
        return 0
    CommentNotice.objects.filter(pk__in=[n.pk for n in notices]).update(sent_at=now)
    user, plan = digest.recipient, digest.plan
    still_member = PlanMembership.objects.filter(plan=plan, user=user).exists()
    # Those who opted out or left the plan meanwhile: their notices are dropped.
    if not (still_member and user.is_active and user.email and wants_comment_emails(user)):
        return 0
    notification = comment_digest(
        plan=plan,
        comments=[notice.comment for notice in notices],
        every_minutes=DIGEST_INTERVAL.seconds // 60,
    )
    return send_mail(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        fail_silently=False,
    )


def send_due_comment_digests(*, now=None) -> int:
    """Send every digest that is due (run by Celery beat); safe to run twice at once.
    Returns how many e-mails were sent."""
    now = now or timezone.now()
    due = (
        CommentNotice.objects.filter(sent_at=None, created_at__lte=now - DIGEST_INTERVAL)
        .values_list("recipient_id", "plan_id")
        .distinct()
    )
    return sum(
        send_comment_digest(recipient_id=recipient_id, plan_id=plan_id, now=now)
        for recipient_id, plan_id in set(due)
    )


def send_digests_after_comment(*, comment_id: int) -> int:
    """Once a comment is posted: send whatever digest about its plan is due by now to
    those it was noted for. Safe to run twice."""
    notices = CommentNotice.objects.filter(comment_id=comment_id, sent_at=None)
    return sum(
        send_comment_digest(recipient_id=recipient_id, plan_id=plan_id)
        for recipient_id, plan_id in notices.values_list("recipient_id", "plan_id")
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
            f"{person_name(comment.author)} {kind} in {_comment_place(comment)}:\n"
            f"“{excerpt}”\n{site_link(path)}#thread-{comment.thread_id or comment.pk}"
        )
    count = len(comments)
    subject = (
        f"{person_name(comments[0].author)} commented on “{plan.title}”"
        if count == 1
        else f"{count} new comments on “{plan.title}”"
    )
    preferences = site_link(reverse("comments:notification_preferences"))
    return Notification(
        subject=subject,
        body=f"New on the plan “{plan.title}” ({plan.organization}):\n\n"
        + "\n\n".join(entries)
        + f"\n\n--\nYou get at most one e-mail per plan every {every_minutes} minutes about "
        f"comments. To stop these e-mails, change your preferences: {preferences}\n",
        recipients=[],
    )
