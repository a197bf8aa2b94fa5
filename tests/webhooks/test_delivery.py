"""Deliveries to a real receiver on loopback that checks each signature: signed, retried
with backoff while it fails, the endpoint disabled with a notice after repeated failures,
and nothing lost while the broker is down."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from microcred.review.services import submit_for_review
from microcred.webhooks.delivery import (
    GAVE_UP_DISABLED,
    RETRY_DELAYS,
    attempt_delivery,
    disable_endpoint,
)
from microcred.webhooks.models import WebhookDelivery
from microcred.webhooks.services import create_endpoint, send_test_event
from microcred.webhooks.tasks import send_due_webhooks

pytestmark = pytest.mark.django_db

ALL_EVENTS = [
    "plan.submitted",
    "plan.changes_requested",
    "plan.approved",
    "plan.reopened",
    "plan.exported",
    "plan.answer_changed",
]


@pytest.fixture
def endpoint(plan, owner, receiver):
    made = create_endpoint(plan=plan, url=receiver.url, events=ALL_EVENTS, user=owner)
    receiver.secret = made.secret
    return made


def sent_test_event(endpoint, django_capture_on_commit_callbacks) -> WebhookDelivery:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = send_test_event(endpoint=endpoint)
    delivery.refresh_from_db()
    return delivery


def make_due(delivery):
    """As if the wait before its next attempt were over."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivery_is_signed_and_the_receiver_verifies_it(
    endpoint, receiver, plan, django_capture_on_commit_callbacks
):
    before = int(time.time())
    delivery = sent_test_event(endpoint, django_capture_on_commit_callbacks)
    [request] = receiver.received
    assert request.verified
    assert request.headers["Webhook-Id"] == str(delivery.uuid)
    assert before <= int(request.headers["Webhook-Timestamp"]) <= time.time()
    assert request.headers["Webhook-Signature"].startswith("v1=")
    assert request.headers["Content-Type"] == "application/json"
    assert request.payload["id"] == str(delivery.uuid)
    assert request.payload["type"] == "webhook.test"
    assert request.payload["data"]["plan"]["id"] == plan.pk
    assert request.payload["data"]["plan"]["title"] == "Data Privacy Fundamentals"
    assert (delivery.state, delivery.attempts, delivery.status_code, delivery.error) == (
        "delivered",
        1,
        204,
        "",
    )
    assert delivery.delivered_at is not None
    assert delivery.response_ms is not None


def test_a_receiver_with_another_secret_refuses_it(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.secret = "whsec_not-the-endpoints"
    delivery = sent_test_event(endpoint, django_capture_on_commit_callbacks)
    assert [r.verified for r in receiver.received] == [False]
    assert (delivery.state, delivery.status_code) == ("pending", 401)
    assert delivery.error == "The receiver answered 401. It said: answered 401"


def test_a_failing_receiver_is_tried_again_with_backoff_until_it_answers(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503, 200]
    delivery = sent_test_event(endpoint, django_capture_on_commit_callbacks)
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, 500)
    assert delivery.error == "The receiver answered 500. It said: answered 500"
    assert delivery.dispatched_at is None
    wait = delivery.next_attempt_at - delivery.attempted_at
    assert RETRY_DELAYS[0] <= wait < RETRY_DELAYS[0] + timedelta(seconds=5)
    assert send_due_webhooks() == 0, "not due for a minute"
    assert len(receiver.received) == 1

    make_due(delivery)
    assert send_due_webhooks() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 2, 503)
    wait = delivery.next_attempt_at - delivery.attempted_at
    assert RETRY_DELAYS[1] <= wait < RETRY_DELAYS[1] + timedelta(seconds=5)

    make_due(delivery)
    send_due_webhooks()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.status_code, delivery.error) == (
        "delivered",
        3,
        200,
        "",
    )
    assert [r.verified for r in receiver.received] == [True, True, True]
    # Each attempt signed anew, with the same id.
    assert len({r.headers["Webhook-Id"] for r in receiver.received}) == 1
    endpoint.refresh_from_db()
    assert endpoint.failure_count == 0


def test_the_backoff_grows_and_the_delivery_fails_after_the_last_retry(
    endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 100
    receiver.statuses = [500]
    delivery = sent_test_event(endpoint, django_capture_on_commit_callbacks)
    waits = []
    for _retry in RETRY_DELAYS:
        waits.append(delivery.next_attempt_at - delivery.attempted_at)
        make_due(delivery)
        send_due_webhooks()
        delivery.refresh_from_db()
    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 5, 30, 120, 360]
    assert (delivery.state, delivery.attempts) == ("failed", 6)
    make_due(delivery)
    assert send_due_webhooks() == 0
    assert len(receiver.received) == 6


def test_an_attempt_is_made_once_even_when_handed_over_twice(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    delivery = sent_test_event(endpoint, django_capture_on_commit_callbacks)
    make_due(delivery)
    assert attempt_delivery(delivery_id=delivery.pk) == "pending"
    # The second hand-over (a redelivery, or the sweep) finds it not due: the lease of
    # the first attempt, then its backoff.
    assert attempt_delivery(delivery_id=delivery.pk) == "not due"
    assert len(receiver.received) == 2


def test_an_endpoint_failing_again_and_again_is_disabled_and_its_owner_told(
    endpoint, receiver, plan, owner, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    receiver.statuses = [500]
    first = sent_test_event(endpoint, django_capture_on_commit_callbacks)
    sent_test_event(endpoint, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    third = sent_test_event(endpoint, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.failure_count == 3
    assert endpoint.disabled_reason == (
        "Disabled after 3 failed attempts in a row. The last: The receiver answered 500. "
        "It said: answered 500"
    )
    assert endpoint.disabled_notice_sent_at is not None
    first.refresh_from_db()
    third.refresh_from_db()
    # Given up, each with its last attempt's error.
    assert (first.state, first.error) == (
        "failed",
        "The receiver answered 500. It said: answered 500",
    )
    assert third.state == "failed"
    [notice] = mail.outbox
    assert notice.to == [owner.email]
    assert notice.subject == "Webhook of the plan “Data Privacy Fundamentals” disabled"
    assert f"The webhook endpoint {receiver.url} of the plan" in notice.body
    assert f"/plans/{plan.pk}/webhooks/" in notice.body

    # Nothing more is attempted, and the notice is not sent again.
    make_due(first)
    assert send_due_webhooks() == 0
    assert len(receiver.received) == 3
    assert len(mail.outbox) == 1


def test_a_pending_delivery_of_a_disabled_endpoint_is_given_up(
    endpoint, plan, owner, receiver, settings
):
    waiting = send_test_event(endpoint=endpoint)  # its hand-over never ran (no commit)
    assert disable_endpoint(endpoint_id=endpoint.pk, reason="By hand.")
    assert not disable_endpoint(endpoint_id=endpoint.pk, reason="Again.")
    waiting.refresh_from_db()
    assert (waiting.state, waiting.error) == ("failed", GAVE_UP_DISABLED)


def test_the_notice_refused_by_the_mail_server_is_sent_by_the_sweep(
    endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 1
    receiver.statuses = [500]
    settings.EMAIL_BACKEND = "tests.webhooks.test_delivery.RefusingEmailBackend"
    sent_test_event(endpoint, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_notice_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_due_webhooks()
    endpoint.refresh_from_db()
    assert endpoint.disabled_notice_sent_at is not None
    assert len(mail.outbox) == 1


class RefusingEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


def test_an_address_refused_at_delivery_is_not_connected_to(
    endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    # Allowed when it was registered; not any more (or the name now resolves elsewhere).
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    delivery = sent_test_event(endpoint, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert (delivery.state, delivery.status_code) == ("pending", None)
    assert delivery.error == "Use an https:// address: webhooks are only sent over HTTPS."


# A broker that refuses the hand-off


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_delays_deliveries_but_loses_none(
    plan, owner, reviewer, receiver, broker
):
    endpoint = create_endpoint(plan=plan, url=receiver.url, events=ALL_EVENTS, user=owner)
    receiver.secret = endpoint.secret
    broker.refuse()
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    delivery = WebhookDelivery.objects.get(event="plan.submitted")
    assert (delivery.state, delivery.dispatched_at, delivery.attempts) == ("pending", None, 0)
    assert receiver.received == []
    assert send_due_webhooks() == 0  # still refused

    broker.in_process()
    assert send_due_webhooks() == 1
    delivery.refresh_from_db()
    assert delivery.state == "delivered"
    [request] = receiver.received
    assert request.verified
    assert request.payload["type"] == "plan.submitted"
    assert request.payload["data"]["review_round"] == {
        "number": 1,
        "decision": "",
        "reason": "",
    }
