from django.core.management.base import BaseCommand

from maintenance.reminders import send_due_review_reminders


class Command(BaseCommand):
    help = (
        "Send once what Celery beat sends every hour: today's e-mail reminders of review "
        "cycles (14 days before they are due, and on the day) not sent yet. For the embedded "
        "default (no broker, no beat), run it from cron at least once a day."
    )

    def handle(self, *args, **options):
        sent = send_due_review_reminders()
        self.stdout.write(f"Review reminders sent: {sent}.")
