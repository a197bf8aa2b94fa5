"""E-mails a change calls for: recorded in the change's own transaction (a
PendingNotification) and handed to a worker once it commits. When the broker refuses,
the row stays pending and the periodic resend (tasks.resend_pending_notifications) sends
it later: a broker that is down delays e-mail, it never loses it."""

import datetime
from functools import partial

from django.db import transaction

from microcred.work.outbox import dispatch

from . import tasks
from .models import PendingNotification


def notify_on_commit(event: str, object_id: int) -> PendingNotification:
    """Record the e-mail that `event` calls for in the current transaction, and hand it
    to a worker once that commits."""
    notification = PendingNotification.objects.create(event=event, object_id=object_id)
    transaction.on_commit(partial(dispatch_notification, notification_id=notification.pk))
    return notification


def dispatch_notification(
    *, notification_id: int, previous: datetime.datetime | None = None
) -> bool:
    """Hand an unsent notification to a worker (see `dispatch`)."""
    return dispatch(
        PendingNotification.objects.filter(sent_at=None),
        task=tasks.send_plan_notification,
        pk=notification_id,
        previous=previous,
    )


def notification_delayed(*, event: str, object_id: int) -> bool:
    """Whether the e-mail for this event could not be handed to a worker yet (the broker
    refused it), so that a page can say it will be sent shortly."""
    return PendingNotification.objects.filter(
        event=event, object_id=object_id, sent_at=None, dispatched_at=None
    ).exists()
