from celery import shared_task

from microcred.work.outbox import dispatch_all
from microcred.work.runner import TRANSIENT_MAIL_ERRORS, mail_task_options

from . import notifications


@shared_task(**mail_task_options())
def send_plan_notification(notification_id: int) -> int:
    """E-mail the people a plan event concerns (one message each, so that nobody sees
    the others' addresses). Every failure is logged and recorded on the notification;
    only transient ones are retried here, the periodic resend tries again later."""
    try:
        return notifications.deliver_notification(notification_id=notification_id)
    except TRANSIENT_MAIL_ERRORS:
        raise
    except Exception:
        # Already logged and recorded on the notification; retrying would fail alike.
        return 0


@shared_task(ignore_result=True)
def resend_pending_notifications() -> int:
    """Run by Celery beat: hand over again what the broker refused or what never went
    out (see `notifications.notifications_to_resend`). Safe to run twice at once.
    Returns how many were handed over."""
    return dispatch_all(notifications.notifications_to_resend(), task=send_plan_notification)
