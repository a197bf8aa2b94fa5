from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_invitation"),
        ("plans", "0005_pendingnotification"),
    ]

    operations = []
