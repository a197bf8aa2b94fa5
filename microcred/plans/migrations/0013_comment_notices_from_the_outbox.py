"""A new comment used to be an outbox notification ("comment_posted") that noted it for
its readers when delivered; comments are now noted for their readers as they are posted.
Notifications of comments still undelivered at the upgrade are noted here, by the rule
comments follow (the plan's owner and editors, and on a reply the thread's participants
who are still members; never its author, nor those inactive, without an address or who
turned comment e-mails off), and marked sent: the next digests carry them."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

WRITING_ROLES = ("owner", "editor")


def readers(apps, comment):
    Comment = apps.get_model("plans", "Comment")
    PlanMembership = apps.get_model("plans", "PlanMembership")
    who = Q(role__in=WRITING_ROLES)
    if comment.thread_id is not None:
        participants = Comment.objects.filter(
            Q(pk=comment.thread_id) | Q(thread_id=comment.thread_id)
        ).values("author_id")
        who |= Q(user_id__in=participants)
    return (
        PlanMembership.objects.filter(who, plan_id=comment.plan_id, user__is_active=True)
        .exclude(user_id=comment.author_id)
        .exclude(user__email="")
        .exclude(user__notification_preference__comment_emails=False)
        .values_list("user_id", flat=True)
        .distinct()
    )


def note_undelivered_comments(apps, schema_editor):
    PendingNotification = apps.get_model("plans", "PendingNotification")
    Comment = apps.get_model("plans", "Comment")
    CommentNotice = apps.get_model("plans", "CommentNotice")
    CommentDigest = apps.get_model("plans", "CommentDigest")
    undelivered = PendingNotification.objects.filter(event="comment_posted", sent_at=None)
    for notification in undelivered:
        comment = Comment.objects.filter(pk=notification.object_id).first()
        if comment is not None:
            user_ids = list(readers(apps, comment))
            CommentNotice.objects.bulk_create(
                [
                    CommentNotice(
                        comment=comment,
                        recipient_id=user_id,
                        plan_id=comment.plan_id,
                        created_at=notification.created_at,
                    )
                    for user_id in user_ids
                ],
                ignore_conflicts=True,
            )
            CommentDigest.objects.bulk_create(
                [
                    CommentDigest(recipient_id=user_id, plan_id=comment.plan_id)
                    for user_id in user_ids
                ],
                ignore_conflicts=True,
            )
    undelivered.update(sent_at=timezone.now(), last_error="")


class Migration(migrations.Migration):
    dependencies = [("plans", "0012_plan_currency_and_discount_rate")]

    operations = [migrations.RunPython(note_undelivered_comments, migrations.RunPython.noop)]
