"""Registering webhook endpoints, and recording the deliveries that a plan's events call
for (handed to a worker once the event's transaction commits)."""

import datetime
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from microcred.plans.models import Plan
from microcred.plans.signals import ANSWER_CHANGED
from microcred.work.outbox import dispatch

from . import tasks
from .addresses import RefusedAddress, check_url
from .endpoint_flag import any_active_endpoint, endpoints_changed
from .events import EVENT_NAMES, TEST, event_payload
from .models import WebhookDelivery, WebhookEndpoint
from .signing import new_secret

# At most one "answer changed" delivery per plan and endpoint in this long.
ANSWER_CHANGED_DEBOUNCE = datetime.timedelta(minutes=1)

ALL_PLANS_FOR_SITE_ADMINS = "Only a site admin can register an endpoint for every plan."
CHOOSE_EVENTS = "Choose at least one event."
ENABLE_FIRST = "Enable the endpoint before sending it a test event."


def _checked_url(url: str) -> str:
    try:
        check_url(url)
    except RefusedAddress as refusal:
        raise ValidationError({"url": str(refusal)}) from None
    return url


@transaction.atomic
def create_endpoint(
    *, plan: Plan | None, url: str, events: Iterable[str], user: Any
) -> WebhookEndpoint:
    """A new active endpoint with a new secret, for `plan`'s events (every plan's when
    None: superusers only, PermissionDenied for others). ValidationError, by field, for
    an unknown or missing event or a URL that may not receive webhooks (addresses.py)."""
    if plan is None and not user.is_superuser:
        raise PermissionDenied(ALL_PLANS_FOR_SITE_ADMINS)
    chosen = [name for name in EVENT_NAMES if name in set(events)]
    if not chosen or set(events) - set(EVENT_NAMES):
        raise ValidationError({"events": CHOOSE_EVENTS})
    endpoint = WebhookEndpoint(
        plan=plan, url=url.strip(), events=chosen, secret=new_secret(), created_by=user
    )
    endpoint.full_clean()
    _checked_url(endpoint.url)
    endpoint.save()
    endpoints_changed()
    return endpoint


@transaction.atomic
def delete_endpoint(*, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its delivery log are deleted; nothing more is sent to it."""
    endpoint.delete()
    endpoints_changed()


@transaction.atomic
def enable_endpoint(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send to a disabled endpoint again, its failures forgotten, if its URL still may
    receive webhooks (ValidationError otherwise). The events it missed are not sent."""
    _checked_url(endpoint.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        active=True, failure_count=0, disabled_at=None, disabled_reason=""
    )
    endpoints_changed()
    endpoint.refresh_from_db()
    return endpoint


def send_test_event(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A "webhook.test" delivery to the endpoint, whatever events it chose."""
    if not endpoint.active:
        raise ValidationError(ENABLE_FIRST)
    with transaction.atomic():
        return record_delivery(endpoint=endpoint, event=TEST, plan=endpoint.plan, subject=None)


def record_delivery(
    *, endpoint: WebhookEndpoint, event: str, plan: Plan | None, subject: Any
) -> WebhookDelivery:
    """Record the delivery in the current transaction; handed to a worker on commit."""
    delivery_uuid = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        uuid=delivery_uuid,
        endpoint=endpoint,
        plan=plan,
        event=event,
        payload=event_payload(
            delivery_id=str(delivery_uuid), event=event, plan=plan, subject=subject
        ),
    )
    transaction.on_commit(partial(dispatch_delivery, delivery_id=delivery.pk))
    return delivery


def dispatch_delivery(*, delivery_id: int, previous: datetime.datetime | None = None) -> bool:
    """Hand a pending delivery to a worker (see work.outbox.dispatch)."""
    return dispatch(
        WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING),
        task=tasks.deliver_webhook,
        pk=delivery_id,
        previous=previous,
    )


def record_plan_event(*, plan: Plan, event: str, subject: Any) -> list[WebhookDelivery]:
    """A delivery to each active endpoint of the plan, or of every plan, that subscribed to
    `event`; "answer changed" at most once a minute per plan and endpoint (none while
    one is pending or was recorded within ANSWER_CHANGED_DEBOUNCE). Called in the event's
    transaction; costs no query while no endpoint at all is active (the cached flag)."""
    if not any_active_endpoint():
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(Q(plan=plan) | Q(plan=None), active=True)
        if event in endpoint.events
    ]
    if endpoints and event == ANSWER_CHANGED:
        # The change locked the plan's row (stamp_plan_changed) until its transaction
        # ends, so that two saves of one plan never both find no recent delivery.
        recent = set(
            WebhookDelivery.objects.filter(endpoint__in=endpoints, plan=plan, event=event)
            .filter(
                Q(state=WebhookDelivery.State.PENDING)
                | Q(created_at__gte=timezone.now() - ANSWER_CHANGED_DEBOUNCE)
            )
            .values_list("endpoint_id", flat=True)
        )
        endpoints = [endpoint for endpoint in endpoints if endpoint.pk not in recent]
    return [
        record_delivery(endpoint=endpoint, event=event, plan=plan, subject=subject)
        for endpoint in endpoints
    ]
