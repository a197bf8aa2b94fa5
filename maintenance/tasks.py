from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def send_review_reminders() -> int:
    """Run by Celery beat: e-mail today's review reminders that are not sent yet."""
    return reminders.send_due_review_reminders()
