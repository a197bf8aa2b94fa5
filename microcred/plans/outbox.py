"""Work handed to Celery once the change that causes it is committed."""

from django.db import transaction

from . import tasks


def notify_on_commit(event: str, object_id: int) -> None:
    transaction.on_commit(lambda: tasks.send_plan_notification.delay(event, object_id))
