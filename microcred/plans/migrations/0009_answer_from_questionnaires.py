"""Answers (and their history) move from the template engine to plans, rows and ids kept.

Databases that applied questionnaires 0001 already have the tables, under the engine's
names; new databases do not, since the engine's squashed migration no longer creates
them. Both end up with the same tables, renamed to plans' names: the models first take
the old tables over in the migration state, the tables are created only where they are
missing, then renamed. The content types (and the permissions on them) move along."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

TABLES = {"answer": "questionnaires_answer", "historicalanswer": "questionnaires_historicalanswer"}


def create_missing_tables(apps, schema_editor):
    existing = set(schema_editor.connection.introspection.table_names())
    for model_name, table in TABLES.items():
        if table not in existing:
            schema_editor.create_model(apps.get_model("plans", model_name))


def move_content_types(apps, schema_editor, source="questionnaires", target="plans"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model_name in TABLES:
        if not ContentType.objects.filter(app_label=target, model=model_name).exists():
            ContentType.objects.filter(app_label=source, model=model_name).update(
                app_label=target
            )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="plans", target="questionnaires")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_activity_archive_preferences"),
        ("questionnaires", "0001_squashed_0004_templates"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Answer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("value", models.JSONField(blank=True, null=True)),
                        ("revision", models.PositiveIntegerField(default=0)),
                        ("updated_at", models.DateTimeField()),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="answers",
                                to="plans.plan",
                            ),
                        ),
                        (
                            "question",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="answers",
                                to="questionnaires.question",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "questionnaires_answer",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("plan", "question"), name="one_answer_per_question"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalAnswer",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("value", models.JSONField(blank=True, null=True)),
                        ("revision", models.PositiveIntegerField(default=0)),
                        ("updated_at", models.DateTimeField()),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="plans.plan",
                            ),
                        ),
                        (
                            "question",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="questionnaires.question",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "questionnaires_historicalanswer",
                        "verbose_name": "historical answer",
                        "verbose_name_plural": "historical answers",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
            database_operations=[],
        ),
        # Backwards, the tables are renamed back and kept, unknown to the engine's squashed
        # migration as on databases that ran the old ones: migrating forwards again takes
        # them over, answers and all.
        migrations.RunPython(create_missing_tables, migrations.RunPython.noop),
        migrations.AlterModelTable(name="answer", table=None),
        migrations.AlterModelTable(name="historicalanswer", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
