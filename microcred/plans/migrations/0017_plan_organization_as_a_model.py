"""A plan's organization was a line of text; it becomes an Organization.

Plans whose text is exactly the same share one organization. Names that differ only in
case or spacing stay apart and are listed, for an administrator to merge. The people of
each plan join its organization: owners and editors as program managers, reviewers in
the old site-wide "Committee reviewers" group as committee members; when all plans are of
one organization, the whole site's program managers and committee join it too.
Backwards, each plan's text is its organization's name again."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify

COMMITTEE_GROUP = "Committee reviewers"
MANAGERS_GROUP = "Program managers"


def look_alike(name):
    return " ".join(name.split()).casefold()


def organizations_from_text(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    PlanMembership = apps.get_model("plans", "PlanMembership")
    Organization = apps.get_model("organizations", "Organization")
    OrganizationMembership = apps.get_model("organizations", "OrganizationMembership")
    User = apps.get_model("auth", "User")

    organizations = {}
    slugs = set(Organization.objects.values_list("slug", flat=True))
    for text in Plan.objects.order_by().values_list("organization", flat=True).distinct():
        name = text.strip() or "Unnamed organization"
        organization = Organization.objects.filter(name=name).first()
        if organization is None:
            base = slugify(name)[:50] or "organization"
            slug, number = base, 1
            while slug in slugs:
                number += 1
                slug = f"{base}-{number}"
            slugs.add(slug)
            organization = Organization.objects.create(name=name, slug=slug)
        organizations[text] = organization
        Plan.objects.filter(organization=text).update(organization_ref=organization)

    roles = {"owner": "program_manager", "editor": "program_manager"}
    committee = set(User.objects.filter(groups__name=COMMITTEE_GROUP).values_list("pk", flat=True))
    wanted = set()
    for plan_org, user_id, role in PlanMembership.objects.values_list(
        "plan__organization_ref", "user_id", "role"
    ):
        if role in roles:
            wanted.add((plan_org, user_id, roles[role]))
        elif role == "reviewer" and user_id in committee:
            wanted.add((plan_org, user_id, "committee_member"))
    made = {organization.pk for organization in organizations.values()}
    if len(made) == 1:
        (only,) = made
        for user_id in committee:
            wanted.add((only, user_id, "committee_member"))
        for user_id in User.objects.filter(groups__name=MANAGERS_GROUP).values_list("pk", flat=True):
            wanted.add((only, user_id, "program_manager"))
    OrganizationMembership.objects.bulk_create(
        [
            OrganizationMembership(organization_id=org, user_id=user, role=role)
            for org, user, role in sorted(wanted)
        ],
        ignore_conflicts=True,
    )

    alike = defaultdict(set)
    for organization in organizations.values():
        alike[look_alike(organization.name)].add(organization.name)
    for names in alike.values():
        if len(names) > 1:
            listed = "; ".join(f"“{name}”" for name in sorted(names))
            print(f"\n  Organizations whose names differ only in case or spacing: {listed}.")
            print("  They were kept apart; merge them in the admin if they are one.")


def organizations_to_text(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    for plan in Plan.objects.select_related("organization_ref"):
        plan.organization = plan.organization_ref.name if plan.organization_ref else ""
        plan.save(update_fields=["organization"])


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0016_plan_copied_from_and_imported_from_file"),
        ("organizations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        # A default, so that going backwards can add the column to existing rows.
        migrations.AlterField(
            model_name="plan",
            name="organization",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="plan",
            name="organization_ref",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="organizations.organization",
            ),
        ),
        migrations.RunPython(organizations_from_text, organizations_to_text),
    ]
