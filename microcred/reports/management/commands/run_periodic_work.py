from django.core.management.base import BaseCommand

from microcred.plans.tasks import resend_pending_notifications, send_due_comment_digests
from microcred.reports.tasks import requeue_stalled_exports


class Command(BaseCommand):
    help = (
        "Do once what Celery beat does every few seconds: requeue abandoned exports, resend "
        "e-mails the broker refused, send the comment digests that are due. For the "
        "embedded default (no broker, no beat), run it from cron every few minutes."
    )

    def handle(self, *args, **options):
        exports = requeue_stalled_exports()
        notifications = resend_pending_notifications()
        digests = send_due_comment_digests()
        self.stdout.write(
            f"Exports requeued or resent: {exports}; e-mails resent: {notifications}; "
            f"comment digests sent: {digests}."
        )
