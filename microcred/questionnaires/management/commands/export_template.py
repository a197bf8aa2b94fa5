from django.core.management.base import BaseCommand, CommandError

from microcred.questionnaires.documents import template_yaml
from microcred.questionnaires.models import TemplateVersion


class Command(BaseCommand):
    help = "Write a template version as YAML to standard output: export_template 2 > v2.yaml"

    def add_arguments(self, parser):
        parser.add_argument("version", type=int, help="The version's number.")

    def handle(self, *args, version, **options):
        template = TemplateVersion.objects.filter(number=version).first()
        if template is None:
            raise CommandError(f"There is no template version {version}.")
        self.stdout.write(template_yaml(template), ending="")
