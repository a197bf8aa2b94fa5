"""The "Template admins" group (created in 0003) edits the question templates in the
Django admin: it may view, add, change and delete template versions, phases and
questions (the admin itself refuses changes to a published or retired version). Answers
are not theirs to touch.

Granted by the engine's old migration 0002 before it was squashed: granting again is
harmless, so databases that ran it and new ones end the same."""

from django.db import migrations

GROUP = "Template admins"
MODELS = {"templateversion": "template version", "phase": "phase", "question": "question"}
ACTIONS = ("view", "add", "change", "delete")


def template_admin_permissions(apps):
    """The permissions, created if missing: on a new database they are otherwise only
    created after every migration has run."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for model, verbose_name in MODELS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="questionnaires", model=model)
        for action in ACTIONS:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            permissions.append(permission)
    return permissions


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    group.permissions.add(*template_admin_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*template_admin_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0009_answer_from_questionnaires"),
        ("questionnaires", "0001_squashed_0004_templates"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
