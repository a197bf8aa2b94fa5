# The plan's activity records each upload of assessment results from now on, and who
# uploaded may then not review the plan (plans.authorship). Uploads made before get their
# activity here, so that their uploaders are known as writers too.

from django.db import migrations

VERB = "results_uploaded"


def record_earlier_uploads(apps, schema_editor):
    PsychometricReview = apps.get_model("maintenance", "PsychometricReview")
    PlanActivity = apps.get_model("plans", "PlanActivity")
    uploads = PsychometricReview.objects.filter(uploaded_by__isnull=False).select_related(
        "uploaded_by"
    )
    PlanActivity.objects.bulk_create(
        PlanActivity(
            plan_id=upload.plan_id,
            actor_id=upload.uploaded_by_id,
            created_at=upload.uploaded_at,
            verb=VERB,
            summary=(
                f"{name_of(upload.uploaded_by)} uploaded the assessment results "
                f"“{upload.filename}”"
            )[:500],
        )
        for upload in uploads.iterator()
    )


def name_of(user) -> str:
    # A migration's models have no methods: get_full_name() as it was written.
    return f"{user.first_name} {user.last_name}".strip() or user.username


def forget_upload_activities(apps, schema_editor):
    apps.get_model("plans", "PlanActivity").objects.filter(verb=VERB).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("maintenance", "0004_psychometric_review_bounds"),
        ("plans", "0015_planactivity_results_uploaded"),
    ]

    operations = [migrations.RunPython(record_earlier_uploads, forget_upload_activities)]
