from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone

IN_FLIGHT = ["queued", "running"]


def fail_duplicate_exports(apps, schema_editor):
    """Before one export in flight per person and plan is enforced: of each person's
    exports of a plan that are in flight, keep one (rendering rather than queued, then
    the oldest) and fail the others, which would only have rendered the same PDF."""
    ReportExport = apps.get_model("reports", "ReportExport")
    in_flight = ReportExport.objects.filter(status__in=IN_FLIGHT, requested_by__isnull=False)
    duplicated = (
        in_flight.values("plan", "requested_by").annotate(count=Count("pk")).filter(count__gt=1)
    )
    for pair in duplicated:
        exports = in_flight.filter(plan=pair["plan"], requested_by=pair["requested_by"])
        kept = min(exports, key=lambda export: (export.status != "running", export.pk))
        exports.exclude(pk=kept.pk).update(
            status="failed",
            error="Replaced by another export of this plan that you had asked for.",
            finished_at=timezone.now(),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportexport',
            name='dispatched_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Failed exports stay failed when going back: nothing to undo.
        migrations.RunPython(fail_duplicate_exports, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='reportexport',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['queued', 'running'])), fields=('plan', 'requested_by'), name='one_export_in_flight_per_requester'),
        ),
    ]
