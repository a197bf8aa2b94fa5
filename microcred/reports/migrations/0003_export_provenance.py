from django.db import migrations, models
from django.db.models import F


def record_what_unchanged_plans_exported(apps, schema_editor):
    """An export finished before this migration was made from its plan as it is now if
    the plan has not changed since the render started: record that. The others stay
    without provenance, and show as made before the latest changes, which they were."""
    ReportExport = apps.get_model("reports", "ReportExport")
    unchanged = ReportExport.objects.filter(
        status="done", plan_changed_at=None, started_at__gte=F("plan__updated_at")
    )
    for export_id, status, changed_at in unchanged.values_list(
        "pk", "plan__status", "plan__updated_at"
    ):
        ReportExport.objects.filter(pk=export_id).update(
            plan_status=status, plan_changed_at=changed_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_one_export_in_flight"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportexport",
            name="plan_status",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="reportexport",
            name="plan_changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(record_what_unchanged_plans_exported, migrations.RunPython.noop),
    ]
