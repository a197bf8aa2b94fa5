"""Delivering a recorded notification (see outbox.py): its e-mails sent once, a failure
recorded on the row."""

import datetime
import logging

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .comment_digests import COMMENT_POSTED, deliver_comment_posted
from .models import PendingNotification
from .notifications import send_notification

logger = logging.getLogger(__name__)


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


def notifications_to_resend() -> QuerySet[PendingNotification]:
    """What is still unsent: notifications the broker refused, and those handed over long
    ago (NOTIFICATION_RESEND_AFTER, longer than a task's own retries take) that never went
    out, until NOTIFICATION_MAX_ATTEMPTS tries have failed."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.NOTIFICATION_RESEND_AFTER)
    return PendingNotification.objects.filter(
        Q(dispatched_at=None) | Q(dispatched_at__lt=stale),
        sent_at=None,
        attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
    )
