from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from microcred.questionnaires.rules import InvalidTemplate
from microcred.questionnaires.template_files import MAX_FILE_BYTES
from microcred.questionnaires.versions import import_template


class Command(BaseCommand):
    help = (
        "Import a YAML template file as a new draft version. The whole file is checked "
        "first: if anything is wrong, every problem is listed and nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The YAML file (see export_template).")
        parser.add_argument(
            "--number", type=int, help="The new version's number (default: the next free one)."
        )

    def handle(self, *args, file, number, **options):
        try:
            with file.open("rb") as stream:
                # One byte past the limit is enough for the import to refuse a larger file.
                data = stream.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            # The bytes as they are: the import reads them as the admin's upload does.
            version = import_template(text=data, number=number)
        except InvalidTemplate as invalid:
            count = len(invalid.problems)
            raise CommandError(
                f"{file} was not imported: {count} problem{'s' if count > 1 else ''}. "
                "Nothing was saved.\n" + "\n".join(f"- {p}" for p in invalid.problems)
            ) from None
        self.stdout.write(
            f"Imported “{version.name}” as version {version.number} (draft): "
            f"{version.phases.count()} phases, {version.questions.count()} questions."
        )
