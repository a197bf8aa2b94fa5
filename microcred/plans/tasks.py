import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from microcred.work.outbox import dispatch_all

from . import comment_digests, deliveries

# Worth retrying: the mail server or the database was briefly unreachable. Anything else
# (a malformed header, say) fails the same way every time.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OperationalError,
    InterfaceError,
)


@shared_task(
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=5,
    # Below the broker's visibility timeout: a retry waiting longer would be redelivered.
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def send_plan_notification(notification_id: int) -> int:
    """E-mail the people a plan event concerns (one message each, so that nobody sees
    the others' addresses). Every failure is logged and recorded on the notification;
    only transient ones are retried here, the periodic resend tries again later."""
    try:
        return deliveries.deliver_notification(notification_id=notification_id)
    except TRANSIENT_MAIL_ERRORS:
        raise
    except Exception:
        # Already logged and recorded on the notification; retrying would fail alike.
        return 0


@shared_task(ignore_result=True)
def resend_pending_notifications() -> int:
    """Run by Celery beat: hand over again what the broker refused or what never went
    out (see `deliveries.notifications_to_resend`). Safe to run twice at once. Returns how
    many were handed over."""
    return dispatch_all(deliveries.notifications_to_resend(), task=send_plan_notification)


@shared_task(ignore_result=True)
def send_due_comment_digests() -> int:
    """Run by Celery beat: e-mail each person the comments whose digest is due."""
    return comment_digests.send_due_comment_digests()
