"""The owner may remove an item analysis (who and when is kept); analyses stored with more
items than an upload may have now are failed with their reason, since the pages and
exports that show the latest analysis would load them whole (one with a million items
made them answer 500 for every member)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OVERSIZED = (
    "This analysis has {items:,} items, more than the {limit:,} an upload may have now: it is "
    "no longer shown. Upload the results again with at most {limit:,} items; the plan's "
    "owner can remove this one."
)
OVERSIZED_END = "the plan's owner can remove this one."
# The length of the stored item list, in the SQL of each database the project runs on.
ITEMS_LENGTH = {
    "postgresql": "jsonb_array_length(results -> 'items')",
    "sqlite": "json_array_length(results, '$.items')",
}


def fail_oversized_analyses(apps, schema_editor):
    Review = apps.get_model("maintenance", "PsychometricReview")
    connection = schema_editor.connection
    length = ITEMS_LENGTH.get(connection.vendor)
    if length is None:
        return
    limit = settings.PSYCHOMETRICS_MAX_ITEMS
    with connection.cursor() as cursor:
        # Only the length is read: such a row's figures can take hundreds of megabytes.
        cursor.execute(
            f"SELECT id, {length} FROM {Review._meta.db_table} "  # noqa: S608  (no input)
            f"WHERE status = 'done' AND {length} > %s",
            [limit],
        )
        oversized = cursor.fetchall()
    for review_id, items in oversized:
        Review.objects.filter(pk=review_id).update(
            status="failed", error=OVERSIZED.format(items=items, limit=limit)
        )


def show_oversized_analyses(apps, schema_editor):
    Review = apps.get_model("maintenance", "PsychometricReview")
    Review.objects.filter(
        status="failed", error__endswith=OVERSIZED_END, results__isnull=False
    ).update(status="done", error="")


class Migration(migrations.Migration):
    dependencies = [
        ("maintenance", "0003_psychometric_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="psychometricreview",
            name="removed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="psychometricreview",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="psychometricreview",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Computing"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                    ("removed", "Removed"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.RunPython(fail_oversized_analyses, show_oversized_analyses),
    ]
