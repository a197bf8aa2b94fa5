"""Comments e-mail the plan's writers and a thread's participants, batched: at most one
e-mail per plan per person every 15 minutes, listing the comments since the last one."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred import celery_app
from microcred.comments.digests import (
    send_comment_digest,
    send_due_comment_digests,
    set_comment_emails,
)
from microcred.comments.services import add_comment
from microcred.plans.models import CommentDigest, CommentNotice
from tests.plans.test_outbox import FlakyEmailBackend

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)


class Clock:
    """The time the application sees, moved by the test."""

    def __init__(self, monkeypatch):
        self.now = T0
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, minutes):
        self.now += datetime.timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def post(monkeypatch, django_capture_on_commit_callbacks, question):
    """Post a comment (or a reply) as the embedded default does: the outbox's task runs
    in-process once the comment is committed."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)

    def post(plan, user, body, *, thread=None):
        with django_capture_on_commit_callbacks(execute=True):
            return add_comment(
                plan=plan,
                user=user,
                body=body,
                phase=question.phase,
                question=question,
                thread=thread,
            )

    return post


def inbox(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_two_comments_within_15_minutes_make_one_email_listing_both(
    plan, owner, editor, reviewer, question, clock, post
):
    first = post(plan, reviewer, "Who pays for the pilot?")
    clock.advance(5)
    post(plan, reviewer, "And who teaches it?")
    assert mail.outbox == []  # a digest waits for more comments
    clock.advance(9)
    assert send_due_comment_digests() == 0
    clock.advance(1)  # 15 minutes after the first comment
    assert send_due_comment_digests() == 2  # the owner's and the editor's
    assert send_due_comment_digests() == 0  # run again: nothing sent twice
    [email] = inbox(owner)
    assert email.subject == "2 new comments on “Data Privacy Fundamentals”"
    phase_url = "http://127.0.0.1:8000" + reverse(
        "plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": question.phase.slug}
    )
    assert email.body.startswith(
        "New on the plan “Data Privacy Fundamentals” (Northbridge Institute):\n\n"
        "Rosa Reviewer commented in Strategic Planning, on “What is the business case?”:\n"
        "“Who pays for the pilot?”\n"
        f"{phase_url}#thread-{first.pk}\n\n"
        "Rosa Reviewer commented in Strategic Planning, on “What is the business case?”:\n"
        "“And who teaches it?”\n"
    )
    assert email.body.endswith(
        "--\nYou get at most one e-mail per plan every 15 minutes about comments. To stop "
        "these e-mails, change your preferences: "
        "http://127.0.0.1:8000/plans/notifications/\n"
    )
    assert [m.to for m in inbox(editor)] == [[editor.email]]


def test_a_comment_after_the_window_makes_a_second_email(plan, owner, reviewer, clock, post):
    post(plan, reviewer, "First.")
    post(plan, reviewer, "Second.")
    clock.advance(15)
    send_due_comment_digests()
    clock.advance(5)
    post(plan, reviewer, "Third.")
    clock.advance(14)
    send_due_comment_digests()
    assert len(inbox(owner)) == 1
    clock.advance(1)
    send_due_comment_digests()
    first, second = inbox(owner)
    assert "“First.”" in first.body and "“Second.”" in first.body
    assert second.subject == "Rosa Reviewer commented on “Data Privacy Fundamentals”"
    assert "“Third.”" in second.body and "First." not in second.body


def test_a_digest_due_by_a_new_comment_goes_out_at_once(plan, owner, reviewer, clock, post):
    """With no beat running, the next comment sends what has waited long enough."""
    post(plan, reviewer, "First.")
    clock.advance(20)
    post(plan, reviewer, "Second.")
    [email] = inbox(owner)
    assert "“First.”" in email.body and "“Second.”" in email.body


def test_the_author_of_a_comment_does_not_get_their_own(plan, owner, editor, clock, post):
    post(plan, owner, "A note to self and the editor.")
    clock.advance(15)
    send_due_comment_digests()
    assert inbox(owner) == []
    assert len(inbox(editor)) == 1


def test_an_opted_out_user_gets_nothing(client, plan, owner, editor, reviewer, clock, post):
    client.force_login(editor)
    response = client.post(reverse("comments:notification_preferences"), {}, follow=True)
    assert "Saved: you will get no e-mails about comments." in response.content.decode()
    post(plan, reviewer, "Anyone there?")
    clock.advance(15)
    send_due_comment_digests()
    assert inbox(editor) == []
    assert len(inbox(owner)) == 1
    assert not CommentNotice.objects.filter(recipient=editor).exists()


def test_turning_emails_off_drops_what_was_waiting(plan, owner, reviewer, clock, post):
    post(plan, reviewer, "Anyone there?")
    set_comment_emails(user=owner, enabled=False)
    clock.advance(15)
    send_due_comment_digests()
    assert inbox(owner) == []
    assert CommentNotice.objects.get(recipient=owner).sent_at == clock.now


def test_a_viewer_who_replied_hears_of_later_replies(plan, owner, viewer, reviewer, clock, post):
    thread = post(plan, reviewer, "Is the budget final?")
    post(plan, viewer, "I think so.", thread=thread)
    clock.advance(15)
    send_due_comment_digests()
    assert inbox(viewer) == []  # the reviewer's thread and the viewer's own reply
    post(plan, owner, "It is, since Monday.", thread=thread)
    clock.advance(15)
    send_due_comment_digests()
    [email] = inbox(viewer)
    assert email.subject == "Olivia Owner commented on “Data Privacy Fundamentals”"
    assert "Olivia Owner replied in Strategic Planning" in email.body
    assert f"#thread-{thread.pk}" in email.body
    # The reviewer, who started the thread, heard of both replies, one window each.
    assert len(inbox(reviewer)) == 2


def test_a_viewer_hears_nothing_of_threads_they_did_not_write_in(
    plan, viewer, reviewer, clock, post
):
    post(plan, reviewer, "Is the budget final?")
    clock.advance(15)
    send_due_comment_digests()
    assert inbox(viewer) == []


def test_two_runs_claiming_one_digest_send_once(plan, owner, reviewer, clock, post):
    post(plan, reviewer, "Once.")
    clock.advance(15)
    digest = CommentDigest.objects.get(recipient=owner, plan=plan)
    # Another run claimed the digest after this one read its watermark.
    CommentDigest.objects.filter(pk=digest.pk).update(last_sent_at=clock.now)
    assert send_comment_digest(recipient_id=owner.pk, plan_id=plan.pk) == 0
    assert inbox(owner) == []


def test_a_failed_send_leaves_the_digest_to_send_again(
    plan, owner, reviewer, clock, post, settings
):
    post(plan, reviewer, "Once.")
    clock.advance(15)
    settings.EMAIL_BACKEND = "tests.plans.test_outbox.FlakyEmailBackend"
    FlakyEmailBackend.errors.append(ConnectionError("mail server down"))
    with pytest.raises(ConnectionError):
        send_comment_digest(recipient_id=owner.pk, plan_id=plan.pk)
    assert CommentDigest.objects.get(recipient=owner, plan=plan).last_sent_at is None
    assert send_comment_digest(recipient_id=owner.pk, plan_id=plan.pk) == 1
    assert len(inbox(owner)) == 1


def test_each_comment_is_noted_for_its_readers_in_its_own_transaction(
    plan, owner, editor, reviewer, question, django_capture_on_commit_callbacks
):
    # Nothing is handed to a worker yet (the on-commit callbacks are held back), as when
    # the broker is down: the notices are already there for the periodic run to send.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = add_comment(plan=plan, user=reviewer, body="Noted.", phase=question.phase)
    assert len(callbacks) == 1
    notices = CommentNotice.objects.filter(comment=comment, sent_at=None)
    assert sorted(notices.values_list("recipient__username", flat=True)) == ["editor", "owner"]


def test_the_preferences_page(client, owner, django_assert_num_queries):
    client.force_login(owner)
    url = reverse("comments:notification_preferences")
    content = client.get(url).content.decode()
    assert 'name="comment_emails" id="id_comment_emails" checked' in content
    assert "E-mail me about new comments and replies" in content
    client.post(url, {})
    assert 'id="id_comment_emails" checked' not in client.get(url).content.decode()
    response = client.post(url, {"comment_emails": "on"}, follow=True)
    assert "Saved: you will get e-mails about new comments." in response.content.decode()
    assert owner.notification_preference.comment_emails is True
