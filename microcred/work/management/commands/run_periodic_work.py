from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Do once what Celery beat does on its schedule (CELERY_BEAT_SCHEDULE): requeue "
        "abandoned work, resend what the broker refused, send the e-mails that are due. For "
        "the embedded default (no broker, no beat), run it from cron every few minutes."
    )

    def handle(self, *args: object, **options: object) -> None:
        # The tasks modules of every installed app, as a worker loads them at start-up.
        current_app.loader.import_default_modules()
        for entry_name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            outcome = current_app.tasks[entry["task"]].apply().get()
            self.stdout.write(f"{entry_name}: {outcome}")
