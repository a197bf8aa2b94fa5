from django.core.management.base import BaseCommand

from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.services import load_default_template


class Command(BaseCommand):
    help = (
        "Load the current release of the default questions (the phase apps' "
        "default_questions.yaml) as a new published version. Plans stay on their version. "
        "Safe to run again."
    )

    def handle(self, *args, **options):
        version = load_default_template()
        self.stdout.write(
            f"Template version {version.number} ({version.get_status_display()}): "
            f"{version.phases.count()} phases, {version.questions.count()} questions, "
            f"default questions release {version.default_release}."
        )
        if version.status == TemplateVersion.Status.DRAFT:
            self.stdout.write(version.notes)
