"""plans 0013: comments whose outbox notification was still undelivered at the upgrade
are noted for their readers, as comments posted since are, and the notification is done."""

import importlib

import pytest
from django.apps import apps as django_apps

from microcred.plans.models import Comment, CommentDigest, CommentNotice, PendingNotification

MIGRATION = importlib.import_module(
    "microcred.plans.migrations.0013_comment_notices_from_the_outbox"
)

pytestmark = pytest.mark.django_db


def test_an_undelivered_comment_is_noted_for_its_readers_once(plan, owner, reviewer, question):
    comment = Comment.objects.create(
        plan=plan, phase=question.phase, question=question, author=reviewer, body="Why 600?"
    )
    notification = PendingNotification.objects.create(event="comment_posted", object_id=comment.pk)
    delivered = PendingNotification.objects.create(event="submitted", object_id=1)

    MIGRATION.note_undelivered_comments(django_apps, None)
    MIGRATION.note_undelivered_comments(django_apps, None)

    notices = CommentNotice.objects.filter(comment=comment, sent_at=None)
    assert sorted(notices.values_list("recipient__username", flat=True)) == ["editor", "owner"]
    assert CommentDigest.objects.filter(plan=plan, recipient=owner).count() == 1
    notification.refresh_from_db()
    assert notification.sent_at is not None
    delivered.refresh_from_db()
    assert delivered.sent_at is None  # other events are left to the outbox


def test_a_notification_of_a_deleted_comment_is_done_with_nothing_noted(plan, reviewer, question):
    notification = PendingNotification.objects.create(event="comment_posted", object_id=987_654)
    MIGRATION.note_undelivered_comments(django_apps, None)
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert not CommentNotice.objects.exists()
