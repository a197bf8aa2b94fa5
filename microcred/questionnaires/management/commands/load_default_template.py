from django.core.management.base import BaseCommand

from microcred.questionnaires.services import load_default_template


class Command(BaseCommand):
    help = "Load the default question template (version 1, from the seed). Safe to run again."

    def handle(self, *args, **options):
        version = load_default_template()
        self.stdout.write(
            f"Template version {version.number} ({version.get_status_display()}): "
            f"{version.phases.count()} phases, {version.questions.count()} questions."
        )
