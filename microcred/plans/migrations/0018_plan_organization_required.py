"""The organization text goes and the organization becomes required: in a migration of
its own, since PostgreSQL refuses to alter a table whose rows the data migration before it
changed in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0017_plan_organization_as_a_model"),
    ]

    operations = [
        migrations.RemoveField(model_name="plan", name="organization"),
        migrations.RenameField(
            model_name="plan", old_name="organization_ref", new_name="organization"
        ),
        migrations.AlterField(
            model_name="plan",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="organizations.organization",
            ),
        ),
    ]
