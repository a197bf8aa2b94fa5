"""plans 0009 takes over the answer tables that the engine's old migrations created, rows,
history and ids kept, and plans 0010 grants the template admins what the engine's old
0002 granted them. (Checked by hand too: a PostgreSQL database migrated with the old
migrations, with answers and history, migrates to these unchanged.)"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from microcred.plans.answers import save_answer
from microcred.plans.models import Answer
from tests.factories import PlanFactory, UserFactory

BEFORE = ("plans", "0008_activity_archive_preferences")
MOVE = ("plans", "0009_answer_from_questionnaires")
ENGINE_TABLES = ("questionnaires_answer", "questionnaires_historicalanswer")
GRANT = importlib.import_module("microcred.plans.migrations.0010_template_admin_permissions")
TEMPLATE_ADMIN_PERMISSIONS = {
    f"{action}_{model}"
    for model in ("templateversion", "phase", "question")
    for action in ("view", "add", "change", "delete")
}


def template_admins() -> Group:
    """The group as migrations leave it (a transactional test before this one flushed it)."""
    GRANT.grant(django_apps, None)
    return Group.objects.get(name=GRANT.GROUP)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor


def engine_table_rows() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, revision FROM questionnaires_answer ORDER BY id")
        answers = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SELECT history_id, id FROM questionnaires_historicalanswer ORDER BY 1")
        return answers, [tuple(row) for row in cursor.fetchall()]


def answer_rows() -> tuple[list, list]:
    answers = Answer.objects.order_by("pk").values_list(
        "pk", "plan_id", "question_id", "value", "revision", "updated_by_id", "updated_at"
    )
    history = Answer.history.order_by("history_id").values_list(
        "history_id", "id", "value", "revision", "history_type", "history_change_reason"
    )
    return list(answers), list(history)


@pytest.mark.django_db(transaction=True)
def test_answers_their_history_and_ids_survive_leaving_and_rejoining_the_engine_tables():
    """Migrating back to before 0009 leaves the tables as the engine's old migrations
    made them (their names, no migration state); migrating forwards takes them over."""
    owner = UserFactory(username="owner")
    plan = PlanFactory(created_by=owner)
    first, second, third = plan.template_version.questions.filter(kind="long_text")[:3]
    save_answer(plan=plan, question=first, raw_value="One", base_revision=0, user=owner)
    save_answer(plan=plan, question=second, raw_value="Two", base_revision=0, user=owner)
    save_answer(plan=plan, question=second, raw_value="Two, edited", base_revision=1, user=owner)
    before = answer_rows()
    ids = [row[0] for row in before[0]]
    history_ids = [row[0] for row in before[1]]
    group = template_admins()
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert {codename for _, codename in granted} == TEMPLATE_ADMIN_PERMISSIONS

    executor = migrate([BEFORE])
    tables = set(connection.introspection.table_names())
    assert set(ENGINE_TABLES) <= tables
    assert not {"plans_answer", "plans_historicalanswer"} & tables
    assert engine_table_rows() == (
        [(ids[0], 1), (ids[1], 2)],
        [(history_ids[0], ids[0]), (history_ids[1], ids[1]), (history_ids[2], ids[1])],
    )
    assert ContentType.objects.filter(app_label="questionnaires", model="answer").exists()

    migrate(executor.loader.graph.leaf_nodes())

    tables = set(connection.introspection.table_names())
    assert {"plans_answer", "plans_historicalanswer"} <= tables
    assert not set(ENGINE_TABLES) & tables
    assert answer_rows() == before
    assert ContentType.objects.get_for_model(Answer).app_label == "plans"
    assert not ContentType.objects.filter(app_label="questionnaires", model="answer").exists()
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == granted
    # New rows take ids after the kept ones.
    result = save_answer(plan=plan, question=third, raw_value="Three", base_revision=0, user=owner)
    assert result.answer.pk > max(ids)
    assert result.answer.history.get().history_id > max(history_ids)


@pytest.mark.django_db(transaction=True)
def test_the_template_admins_permissions_are_revoked_on_the_way_back_and_granted_once():
    group = template_admins()
    executor = migrate([MOVE])
    assert not group.permissions.exists()
    migrate(executor.loader.graph.leaf_nodes())
    assert set(group.permissions.values_list("codename", flat=True)) == TEMPLATE_ADMIN_PERMISSIONS
    GRANT.grant(django_apps, None)
    assert group.permissions.count() == len(TEMPLATE_ADMIN_PERMISSIONS)
    assert Permission.objects.filter(
        content_type__app_label="questionnaires", codename__in=TEMPLATE_ADMIN_PERMISSIONS
    ).count() == len(TEMPLATE_ADMIN_PERMISSIONS)
