"""Attempting a recorded delivery: claimed so that one worker sends it at a time, signed,
POSTed, and its outcome recorded; a failure retried later with backoff (the periodic sweep
hands it over again once due), and an endpoint failing again and again disabled."""

import datetime
import json
import logging
import time
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .addresses import RefusedAddress, check_url
from .endpoint_flag import endpoints_changed
from .models import WebhookDelivery, WebhookEndpoint
from .notices import send_disabled_notice
from .sending import TIMEOUT_SECONDS, Outcome, post
from .signing import signature

logger = logging.getLogger(__name__)

# How long to wait before the next attempt after each failed one (1 min, 5 min, 30 min,
# 2 h, 6 h); after the last, the delivery has failed.
RETRY_DELAYS = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=6),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claimed attempt holds the delivery this long (well past the POST's timeout): a worker
# lost mid-attempt leaves it to be attempted again after that.
ATTEMPT_LEASE = datetime.timedelta(seconds=6 * TIMEOUT_SECONDS)
# Handed to the broker this long ago and not attempted since: the broker lost it.
RESEND_AFTER = datetime.timedelta(minutes=2)
GAVE_UP_DISABLED = "Not sent: the endpoint was disabled."


def due_deliveries() -> QuerySet[WebhookDelivery]:
    """Deliveries whose next attempt is due, not handed to the broker (it refused them,
    or they failed an attempt) or handed over long ago and lost; of active endpoints."""
    now = timezone.now()
    return WebhookDelivery.objects.filter(
        Q(dispatched_at=None) | Q(dispatched_at__lt=now - RESEND_AFTER),
        state=WebhookDelivery.State.PENDING,
        endpoint__active=True,
        next_attempt_at__lte=now,
    )


def request_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":")).encode()


def signed_headers(delivery: WebhookDelivery, *, body: bytes) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": "Microcred-Planner-Webhooks/1",
        "Webhook-Id": str(delivery.uuid),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(
            secret=delivery.endpoint.secret, timestamp=timestamp, body=body
        ),
    }


def attempt_delivery(*, delivery_id: int) -> str:
    """Attempt the delivery if it is due and nobody else is attempting it (a conditional
    UPDATE claims it); its state afterwards. Safe to run twice, even at once."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        state=WebhookDelivery.State.PENDING,
        endpoint__active=True,
        next_attempt_at__lte=now,
    ).update(attempts=F("attempts") + 1, attempted_at=now, next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return "not due"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = request_body(delivery)
    try:
        # Checked again at each attempt, and sent to the address checked (DNS rebinding).
        address = check_url(delivery.endpoint.url)
    except RefusedAddress as refusal:
        outcome = Outcome(status_code=None, error=str(refusal), response_ms=None)
    else:
        outcome = post(address, body=body, headers=signed_headers(delivery, body=body))
    return record_outcome(delivery, outcome)


@transaction.atomic
def record_outcome(delivery: WebhookDelivery, outcome: Outcome) -> str:
    now = timezone.now()
    fields = {
        "status_code": outcome.status_code,
        "error": outcome.error,
        "response_ms": outcome.response_ms,
    }
    endpoint = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if outcome.delivered:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.DELIVERED, delivered_at=now, **fields
        )
        endpoint.update(failure_count=0)
        return WebhookDelivery.State.DELIVERED
    logger.info(
        "Webhook delivery %s to endpoint %s failed (attempt %s): %s",
        delivery.pk,
        delivery.endpoint_id,
        delivery.attempts,
        outcome.error,
    )
    if delivery.attempts >= MAX_ATTEMPTS:
        state = WebhookDelivery.State.FAILED
        next_attempt_at = now
    else:
        state = WebhookDelivery.State.PENDING
        next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=state, next_attempt_at=next_attempt_at, dispatched_at=None, **fields
    )
    endpoint.update(failure_count=F("failure_count") + 1)
    failures = endpoint.values_list("failure_count", flat=True).first() or 0
    if failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES:
        disable_endpoint(
            endpoint_id=delivery.endpoint_id,
            reason=f"Disabled after {failures} failed attempts in a row. The last: {outcome.error}",
        )
    return state


@transaction.atomic
def disable_endpoint(*, endpoint_id: int, reason: str) -> bool:
    """Stop sending to the endpoint: its pending deliveries are given up, and its owner is
    e-mailed once this commits (again by the periodic sweep while the mail is refused).
    False when it was already disabled."""
    disabled = WebhookEndpoint.objects.filter(pk=endpoint_id, active=True).update(
        active=False,
        disabled_at=timezone.now(),
        disabled_reason=reason,
        disabled_notice_sent_at=None,
    )
    if not disabled:
        return False
    pending = WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id, state=WebhookDelivery.State.PENDING
    )
    # Those that failed an attempt keep its error in the log.
    pending.filter(error="").update(error=GAVE_UP_DISABLED)
    pending.update(state=WebhookDelivery.State.FAILED, dispatched_at=None)
    endpoints_changed()
    transaction.on_commit(partial(send_disabled_notice, endpoint_id=endpoint_id))
    return True
