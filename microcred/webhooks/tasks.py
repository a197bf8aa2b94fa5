from celery import shared_task

from microcred.work.outbox import dispatch_all

from . import delivery, notices


# One attempt, acknowledged when done: a worker lost mid-way hands it back (the attempt's
# claim keeps a redelivery from sending it twice within the lease).
@shared_task(ignore_result=True, acks_late=True, time_limit=50)
def deliver_webhook(delivery_id: int) -> str:
    """Attempt one recorded delivery (see `delivery.attempt_delivery`)."""
    return delivery.attempt_delivery(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def send_due_webhooks() -> int:
    """Run by Celery beat: hand over the deliveries whose next attempt is due (retries, and
    what the broker refused or lost), and the disabled endpoints' notices not sent yet.
    Safe to run twice at once. Returns how many deliveries were handed over."""
    handed_over = dispatch_all(delivery.due_deliveries(), task=deliver_webhook)
    notices.send_pending_notices()
    return handed_over
