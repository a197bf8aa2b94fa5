import smtplib

from celery import shared_task

from .notifications import send_notification


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
)
def send_plan_notification(event: str, object_id: int) -> int:
    """E-mail the people a plan event concerns (one message each, so that nobody sees
    the others' addresses)."""
    return send_notification(event=event, object_id=object_id)
