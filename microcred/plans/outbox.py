"""Work handed to Celery once the change that causes it is committed.

What a change calls for is written in its own transaction (a PendingNotification row
here, the ReportExport row for a PDF) and only then sent to the broker, on commit. When
the broker refuses, the row stays pending, the request that caused it still succeeds,
and the periodic resend (Celery beat) sends it later: a broker that is down delays
work, it never loses it.
"""

import datetime
import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from . import tasks
from .comment_digests import COMMENT_POSTED, deliver_comment_posted
from .models import PendingNotification
from .notifications import send_notification

logger = logging.getLogger(__name__)

# What publishing raises when the broker is down, unreachable or refuses the connection:
# kombu wraps the transport's errors in its OperationalError; sockets raise OSError.
BROKER_ERRORS = (BrokerOperationalError, OSError)


def hand_over(task, *args) -> bool:
    """Send `task` to the broker; False, logged, when the broker refused it. Never raises
    for a broker fault: the caller has recorded the work and the periodic resend retries."""
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.warning(
            "The broker refused %s%r; it stays pending and will be resent.",
            task.name,
            args,
            exc_info=True,
        )
        return False
    return True


def notify_on_commit(event: str, object_id: int) -> PendingNotification:
    """Record the e-mail that `event` calls for in the current transaction, and hand it
    to a worker once that commits."""
    notification = PendingNotification.objects.create(event=event, object_id=object_id)
    transaction.on_commit(partial(dispatch_notification, notification_id=notification.pk))
    return notification


def dispatch(rows, *, task, pk: int, previous: datetime.datetime | None = None) -> bool:
    """Hand the row `pk` of `rows` (the rows still waiting to be sent) to `task`, if its
    last hand-off is still `previous` (None: never handed over). The conditional update
    lets one of the request and the periodic resend (or two resends) send it, never both;
    when the broker refuses, the claim is undone so that the next resend tries again.
    True when the broker took it."""
    now = timezone.now()
    if not rows.filter(pk=pk, dispatched_at=previous).update(dispatched_at=now):
        return False
    if hand_over(task, pk):
        return True
    rows.model.objects.filter(pk=pk, dispatched_at=now).update(dispatched_at=None)
    return False


def dispatch_all(rows, *, task) -> int:
    """Hand over again every row of `rows`; how many the broker took."""
    return sum(
        dispatch(rows, task=task, pk=pk, previous=dispatched_at)
        for pk, dispatched_at in rows.values_list("pk", "dispatched_at")
    )


def claim(model, pk: int, *, claimant: str, lease: datetime.timedelta) -> bool:
    """Mark row `pk` of `model` (queued work: an export, an item analysis) as running
    for `claimant` (a task id) if it is queued, already claimed by that same task (a
    retry or a redelivery), or abandoned by a worker gone longer than `lease`. The
    conditional UPDATE lets one claimant win; True when this one did."""
    queued, running = model.Status.QUEUED, model.Status.RUNNING
    now = timezone.now()
    claimable = Q(status=queued) | Q(status=running, started_at__lt=now - lease)
    if claimant:
        claimable |= Q(status=running, claimed_by=claimant)
    return bool(
        model.objects.filter(claimable, pk=pk).update(
            status=running, started_at=now, claimed_by=claimant, attempts=F("attempts") + 1
        )
    )


def requeue_abandoned(
    model, *, lease: datetime.timedelta, max_attempts: int, abandoned_reason: Callable
) -> list[int]:
    """Requeue the rows of `model` whose worker died (running past `lease`), or fail
    them with `abandoned_reason(row)` (a row of pk, attempts and the rest of the model's
    fields' values) once `max_attempts` runs were started. Each change is conditional on
    the attempts being what was read, so that a claim made meanwhile wins. Returns the
    ids of the rows changed."""
    queued, running, failed = model.Status.QUEUED, model.Status.RUNNING, model.Status.FAILED
    now = timezone.now()
    changed = []
    for row in model.objects.filter(status=running, started_at__lt=now - lease).values():
        still_abandoned = model.objects.filter(
            pk=row["id"], status=running, attempts=row["attempts"]
        )
        name = model._meta.verbose_name
        if row["attempts"] >= max_attempts:
            logger.warning(
                "%s %s abandoned after %s runs; failing it.", name, row["id"], row["attempts"]
            )
            updated = still_abandoned.update(
                status=failed, error=abandoned_reason(row), finished_at=now
            )
        else:
            logger.warning("%s %s abandoned by its worker; requeuing it.", name, row["id"])
            updated = still_abandoned.update(
                status=queued, claimed_by="", started_at=None, dispatched_at=None
            )
        if updated:
            changed.append(row["id"])
    return changed


def resend_refused(model, *, task) -> int:
    """Hand over again the queued rows of `model` that the broker refused or lost (never
    handed over, or longer than REPORT_RESEND_AFTER seconds ago); how many it took."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.REPORT_RESEND_AFTER)
    pending = model.objects.filter(
        Q(dispatched_at=None) | Q(dispatched_at__lt=stale), status=model.Status.QUEUED
    )
    return dispatch_all(pending, task=task)


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


def deliver_notification(*, notification_id: int) -> int:
    """Send a pending notification's e-mails and mark it sent; returns how many were
    sent. Safe to run twice: a notification already sent is left alone. A failure is
    logged with the event and object, recorded on the row, and raised again."""
    notification = PendingNotification.objects.filter(pk=notification_id, sent_at=None).first()
    if notification is None:
        return 0
    PendingNotification.objects.filter(pk=notification_id).update(attempts=F("attempts") + 1)
    # A new comment is not an e-mail of its own: it joins its readers' next digests.
    send = deliver_comment_posted if notification.event == COMMENT_POSTED else send_notification
    try:
        sent = send(event=notification.event, object_id=notification.object_id)
    except Exception as error:
        logger.warning(
            "Could not send the %s notification for object %s (notification %s, attempt %s)",
            notification.event,
            notification.object_id,
            notification.pk,
            notification.attempts + 1,
            exc_info=True,
        )
        PendingNotification.objects.filter(pk=notification_id).update(
            last_error=f"{type(error).__name__}: {error}"
        )
        raise
    PendingNotification.objects.filter(pk=notification_id, sent_at=None).update(
        sent_at=timezone.now(), last_error=""
    )
    return sent


def resend_pending_notifications() -> int:
    """Hand over again what is still unsent: notifications the broker refused, and those
    handed over long ago (NOTIFICATION_RESEND_AFTER, longer than a task's own retries
    take) that never went out, until NOTIFICATION_MAX_ATTEMPTS tries have failed. Safe to
    run twice at once. Returns how many were handed over."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER)
    pending = PendingNotification.objects.filter(
        Q(dispatched_at=None) | Q(dispatched_at__lt=stale),
        sent_at=None,
        attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
    )
    return dispatch_all(pending, task=tasks.send_plan_notification)
