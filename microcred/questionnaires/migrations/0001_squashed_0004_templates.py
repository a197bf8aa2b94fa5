"""The engine's tables: template versions, phases and questions.

Squashes 0001 to 0004, which also held plans' answers (now plans.Answer, whose
migration takes over their tables) and granted the "Template admins" group its
permissions (now a plans migration, since plans creates the group), so that the engine's
migrations depend on nothing of plans. Databases that applied 0001 to 0004 carry on from
here; on a new database this creates the tables as they were after 0004."""

import django.db.models.deletion
from django.db import migrations, models


def mark_loaded_default(apps, schema_editor):
    """The version the first default loader made: number 1, the default name, no notes
    (drafts and imports always carry notes saying where they came from)."""
    TemplateVersion = apps.get_model("questionnaires", "TemplateVersion")
    TemplateVersion.objects.filter(
        number=1, name="Phases of Microcredential Development", notes=""
    ).update(default_release=1)


class Migration(migrations.Migration):
    replaces = [
        ("questionnaires", "0001_initial"),
        ("questionnaires", "0002_template_admin_permissions"),
        ("questionnaires", "0003_explanation_required_and_default_release"),
        ("questionnaires", "0004_question_record_type_and_condition"),
    ]

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="TemplateVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(unique=True)),
                ("name", models.CharField(max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("published", "Published"),
                            ("retired", "Retired"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                ("notes", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                (
                    "default_release",
                    models.PositiveSmallIntegerField(
                        blank=True, editable=False, null=True, unique=True
                    ),
                ),
            ],
            options={
                "ordering": ["-number"],
            },
        ),
        migrations.CreateModel(
            name="Phase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=60)),
                ("order", models.PositiveSmallIntegerField()),
                ("title", models.CharField(max_length=120)),
                ("intro", models.TextField(blank=True)),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="phases",
                        to="questionnaires.templateversion",
                    ),
                ),
            ],
            options={
                "ordering": ["version", "order"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("version", "slug"), name="unique_phase_slug_per_version"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Question",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.SlugField(
                        help_text="Stable identifier; answers follow it from one version to "
                        "the next.",
                        max_length=60,
                    ),
                ),
                ("order", models.PositiveIntegerField()),
                ("text", models.TextField()),
                ("help_text", models.TextField(blank=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("short_text", "Short text"),
                            ("long_text", "Long text"),
                            ("yes_no", "Yes / no (with explanation)"),
                            ("single_choice", "Single choice"),
                            ("multiple_choice", "Multiple choice"),
                            ("number", "Number"),
                            ("money", "Money (amount and currency)"),
                            ("date", "Date"),
                            ("record_set", "Record set (a table of rows)"),
                        ],
                        default="long_text",
                        max_length=20,
                    ),
                ),
                ("choices", models.JSONField(blank=True, default=list)),
                (
                    "allow_other",
                    models.BooleanField(
                        default=False,
                        help_text='Offer an "Other: ..." free-text option (choice questions).',
                    ),
                ),
                ("required", models.BooleanField(default=False)),
                (
                    "is_reflection",
                    models.BooleanField(
                        default=False, help_text="The phase's closing reflection question."
                    ),
                ),
                (
                    "explanation_required",
                    models.BooleanField(
                        default=False,
                        help_text="Yes / no questions that ask more than yes or no: an answer "
                        "needs its explanation.",
                    ),
                ),
                ("record_type", models.CharField(blank=True, max_length=60)),
                ("show_if_values", models.JSONField(blank=True, default=list)),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="children",
                        to="questionnaires.question",
                    ),
                ),
                (
                    "show_if_question",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="dependents",
                        to="questionnaires.question",
                        verbose_name="show only if",
                    ),
                ),
                (
                    "phase",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="questionnaires.phase",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="questionnaires.templateversion",
                    ),
                ),
            ],
            options={
                "ordering": ["phase__order", "order"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("version", "key"), name="unique_question_key_per_version"
                    )
                ],
            },
        ),
        # From 0003: nothing to mark on a new database, kept for the squash to do what
        # the migrations it replaces did.
        migrations.RunPython(mark_loaded_default, migrations.RunPython.noop),
    ]
