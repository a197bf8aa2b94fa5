from django.db import migrations, models


def mark_loaded_default(apps, schema_editor):
    """The version the first default loader made: number 1, the default name, no notes
    (drafts and imports always carry notes saying where they came from)."""
    TemplateVersion = apps.get_model("questionnaires", "TemplateVersion")
    TemplateVersion.objects.filter(
        number=1, name="Phases of Microcredential Development", notes=""
    ).update(default_release=1)


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0002_template_admin_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="explanation_required",
            field=models.BooleanField(
                default=False,
                help_text="Yes / no questions that ask more than yes or no: an answer needs "
                "its explanation.",
            ),
        ),
        migrations.AddField(
            model_name="templateversion",
            name="default_release",
            field=models.PositiveSmallIntegerField(
                blank=True, editable=False, null=True, unique=True
            ),
        ),
        migrations.RunPython(mark_loaded_default, migrations.RunPython.noop),
    ]
