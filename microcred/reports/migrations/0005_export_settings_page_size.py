from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_export_format_and_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportsettings",
            name="page_size",
            field=models.CharField(
                choices=[("auto", "Automatic"), ("a4", "A4"), ("letter", "US Letter")],
                default="auto",
                max_length=10,
            ),
        ),
    ]
