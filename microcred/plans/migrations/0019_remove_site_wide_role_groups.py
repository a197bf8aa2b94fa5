"""The site-wide "Program managers" and "Committee reviewers" groups gave way to the roles
of each organization (0017 read them); backwards they come back empty."""

from django.db import migrations

OBSOLETE = ("Program managers", "Committee reviewers")


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=OBSOLETE).delete()


def add_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in OBSOLETE:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0018_plan_organization_required"),
    ]

    operations = [migrations.RunPython(remove_groups, add_groups)]
