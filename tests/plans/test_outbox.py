"""E-mail notifications go through an outbox: recorded with the event, handed to Celery on
commit, resent while the broker refuses them, marked sent only once they went out."""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import BadHeaderError
from django.core.mail.backends import locmem
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from microcred import celery_app
from microcred.plans.models import PendingNotification, Plan
from microcred.plans.notifications import deliver_notification
from microcred.plans.outbox import dispatch_notification, notification_delayed, notify_on_commit
from microcred.plans.tasks import resend_pending_notifications, send_plan_notification
from microcred.review.services import submit_for_review
from tests.factories import UserFactory
from tests.reports.broker import broker_fixture  # noqa: F401  (the `broker` fixture)

pytestmark = pytest.mark.django_db

SUBMITTED_SUBJECT = "Plan “Data Privacy Fundamentals” submitted for your review"


class FlakyEmailBackend(locmem.EmailBackend):
    """The test mailbox, raising the queued errors first, one per sending."""

    errors: list[Exception] = []

    def send_messages(self, messages):
        if FlakyEmailBackend.errors:
            raise FlakyEmailBackend.errors.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.plans.test_outbox.FlakyEmailBackend"
    yield FlakyEmailBackend.errors
    FlakyEmailBackend.errors.clear()


@pytest.fixture
def in_process(monkeypatch):
    """Tasks run in-process (the embedded default), whatever this test run's broker."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def submitted_notification(plan, owner):
    """A plan submitted for review, its e-mail recorded but not handed over yet."""
    review_round = submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    return PendingNotification.objects.get(event="submitted", object_id=review_round.pk)


# A broker that refuses the hand-off


@pytest.mark.django_db(transaction=True)
def test_submitting_with_the_broker_down_succeeds_and_the_email_follows(
    client, plan, owner, reviewer, broker
):
    broker.refuse()
    client.force_login(owner)
    response = client.post(
        reverse("review:submit", kwargs={"plan_id": plan.pk}),
        {"confirm_incomplete": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert (
        "Submitted for review (round 1). Its answers are locked until a reviewer requests "
        "changes or approves it. The e-mail to the reviewers will go out shortly; the mail "
        "service is busy." in response.content.decode()
    )
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.IN_REVIEW
    notification = PendingNotification.objects.get()
    review_round = plan.review_rounds.get()
    assert (notification.event, notification.object_id) == ("submitted", review_round.pk)
    assert (notification.dispatched_at, notification.sent_at) == (None, None)
    assert notification_delayed(event="submitted", object_id=review_round.pk)
    assert mail.outbox == []

    assert resend_pending_notifications() == 0  # still down
    assert PendingNotification.objects.get().dispatched_at is None

    broker.in_process()
    assert resend_pending_notifications() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [([reviewer.email], SUBMITTED_SUBJECT)]
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert (notification.attempts, notification.last_error) == (1, "")
    assert not notification_delayed(event="submitted", object_id=review_round.pk)
    assert resend_pending_notifications() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_inviting_a_member_with_the_broker_down_keeps_the_invitation(client, plan, owner, broker):
    UserFactory(username="nadia", email="nadia@example.org")
    broker.refuse()
    client.force_login(owner)
    response = client.post(
        reverse("plans:members", kwargs={"plan_id": plan.pk}),
        {"email": "nadia@example.org", "role": "viewer"},
    )
    assert response.status_code == 302
    invitation = plan.invitations.get()
    assert (invitation.email, invitation.role) == ("nadia@example.org", "viewer")
    assert notification_delayed(event="invitation_sent", object_id=invitation.pk)


def test_a_notification_is_recorded_in_the_transaction_of_its_event(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_on_commit("submitted", 1)
        raise RuntimeError("the event's change failed")
    assert not PendingNotification.objects.exists()
    assert callbacks == []


def test_two_resends_hand_a_notification_over_once(plan, owner, monkeypatch):
    notification = submitted_notification(plan, owner)
    sent = []
    monkeypatch.setattr(send_plan_notification, "delay", lambda pk: sent.append(pk))
    # Both saw it never handed over; the second one's conditional update finds it taken.
    assert dispatch_notification(notification_id=notification.pk, previous=None)
    assert not dispatch_notification(notification_id=notification.pk, previous=None)
    assert sent == [notification.pk]


# Sending


def test_a_title_with_a_line_break_gives_a_one_line_subject(
    plan, owner, in_process, django_capture_on_commit_callbacks
):
    Plan.objects.filter(pk=plan.pk).update(title="Data Privacy\r\nFundamentals  II")
    plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert [m.subject for m in mail.outbox] == [
        "Plan “Data Privacy Fundamentals II” submitted for your review"
    ]
    assert PendingNotification.objects.get().sent_at is not None


def test_delivering_twice_sends_once(plan, owner):
    notification = submitted_notification(plan, owner)
    assert deliver_notification(notification_id=notification.pk) == 1
    assert deliver_notification(notification_id=notification.pk) == 0
    assert len(mail.outbox) == 1


def test_a_transient_failure_is_logged_recorded_and_retried(plan, owner, flaky_mail, caplog):
    notification = submitted_notification(plan, owner)
    flaky_mail.extend([smtplib.SMTPServerDisconnected("Connection unexpectedly closed")] * 2)
    result = send_plan_notification.apply(args=[notification.pk])
    assert result.get() == 1
    assert [m.subject for m in mail.outbox] == [SUBMITTED_SUBJECT]
    notification.refresh_from_db()
    assert notification.sent_at is not None
    assert (notification.attempts, notification.last_error) == (3, "")
    failures = [r.getMessage() for r in caplog.records if r.name == "microcred.plans.notifications"]
    assert failures == [
        f"Could not send the submitted notification for object {notification.object_id} "
        f"(notification {notification.pk}, attempt {attempt})"
        for attempt in (1, 2)
    ]


def test_a_permanent_failure_is_recorded_and_resent_later_up_to_a_limit(
    plan, owner, flaky_mail, caplog, in_process, settings
):
    notification = submitted_notification(plan, owner)
    flaky_mail.extend([BadHeaderError("Header values can't contain newlines")] * 3)
    assert dispatch_notification(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.sent_at is None
    assert notification.attempts == 1  # not retried: it would fail the same way
    assert notification.last_error == "BadHeaderError: Header values can't contain newlines"
    assert f"submitted notification for object {notification.object_id}" in caplog.text

    assert resend_pending_notifications() == 0  # handed over moments ago
    settings.NOTIFICATION_RESEND_AFTER = 0
    assert resend_pending_notifications() == 1
    notification.refresh_from_db()
    assert (notification.attempts, notification.sent_at) == (2, None)
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    assert resend_pending_notifications() == 0
    assert mail.outbox == []


# A broker that lost what it was handed (restarted without persistence)


def handed_over(notification, *, seconds_ago, attempted_seconds_ago=None):
    now = timezone.now()
    attempted_at = None
    if attempted_seconds_ago is not None:
        attempted_at = now - timedelta(seconds=attempted_seconds_ago)
    PendingNotification.objects.filter(pk=notification.pk).update(
        dispatched_at=now - timedelta(seconds=seconds_ago), attempted_at=attempted_at
    )


def test_a_notification_no_worker_began_is_handed_over_again_within_minutes(
    plan, owner, monkeypatch
):
    # Found by the chaos benchmark: a Redis restart lost the queued e-mails, and they
    # waited an hour (NOTIFICATION_RESEND_AFTER) to be sent.
    notification = submitted_notification(plan, owner)
    handed_over(notification, seconds_ago=150)
    sent = []
    monkeypatch.setattr(send_plan_notification, "delay", lambda pk: sent.append(pk))
    assert resend_pending_notifications() == 1
    assert sent == [notification.pk]


def test_a_notification_a_worker_began_since_its_hand_over_is_left_to_its_retries(
    plan, owner, monkeypatch
):
    notification = submitted_notification(plan, owner)
    handed_over(notification, seconds_ago=150, attempted_seconds_ago=100)
    monkeypatch.setattr(send_plan_notification, "delay", lambda pk: pytest.fail("resent"))
    assert resend_pending_notifications() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite locks no row")
@pytest.mark.django_db(transaction=True)
def test_a_duplicate_delivered_while_the_first_sends_sends_nothing(plan, owner):
    # Resending what no worker began can hand a notification over twice; the second
    # delivery must not send it again while the first is sending it.
    notification = submitted_notification(plan, owner)
    outcome = []

    def deliver_duplicate():
        try:
            outcome.append(deliver_notification(notification_id=notification.pk))
        finally:
            connection.close()  # this thread's own

    with transaction.atomic():
        PendingNotification.objects.select_for_update().get(pk=notification.pk)
        duplicate = threading.Thread(target=deliver_duplicate)
        duplicate.start()
        duplicate.join(timeout=10)
    assert outcome == [0]
    assert mail.outbox == []
    assert deliver_notification(notification_id=notification.pk) == 1
    assert len(mail.outbox) == 1
