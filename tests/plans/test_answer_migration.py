"""plans 0009 takes over the answer tables that the engine's old migrations created, rows,
history and ids kept, and plans 0010 grants the template admins what the engine's old
0002 granted them."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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


def models_on_engine_tables(executor):
    """plans' answer models as the engine's old migrations left them: the state just
    after 0009 takes the engine's tables over, before it renames them."""
    state = executor.loader.project_state(BEFORE)
    take_over = executor.loader.graph.nodes[MOVE].operations[0]
    take_over.state_forwards("plans", state)
    return state.apps.get_model("plans", "Answer"), state.apps.get_model(
        "plans", "HistoricalAnswer"
    )


@pytest.mark.django_db(transaction=True)
def test_answers_their_history_and_ids_survive_the_move_from_the_engine():
    owner = UserFactory(username="owner")
    plan = PlanFactory(created_by=owner)
    questions = list(plan.template_version.questions.order_by("pk")[:2])
    group = template_admins()
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert {codename for _, codename in granted} == TEMPLATE_ADMIN_PERMISSIONS

    executor = migrate([BEFORE])
    assert not {"plans_answer", "plans_historicalanswer"} & set(
        connection.introspection.table_names()
    )
    OldAnswer, OldHistory = models_on_engine_tables(executor)
    with connection.schema_editor() as editor:
        editor.create_model(OldAnswer)
        editor.create_model(OldHistory)
    answered_at = plan.created_at
    for pk, question in zip((41, 57), questions, strict=True):
        OldAnswer.objects.create(
            pk=pk,
            plan_id=plan.pk,
            question_id=question.pk,
            value=f"Answer {pk}",
            revision=2,
            updated_by_id=owner.pk,
            updated_at=answered_at,
        )
        for revision in (1, 2):
            OldHistory.objects.create(
                id=pk,
                plan_id=plan.pk,
                question_id=question.pk,
                value=f"Answer {pk} (revision {revision})",
                revision=revision,
                updated_by_id=owner.pk,
                updated_at=answered_at,
                history_date=answered_at,
                history_type="+" if revision == 1 else "~",
                history_user_id=owner.pk,
            )
    old_type = ContentType.objects.get_or_create(app_label="questionnaires", model="answer")[0]
    ContentType.objects.filter(app_label="plans", model__in=["answer", "historicalanswer"]).delete()

    migrate(executor.loader.graph.leaf_nodes())

    tables = set(connection.introspection.table_names())
    assert {"plans_answer", "plans_historicalanswer"} <= tables
    assert not set(ENGINE_TABLES) & tables
    assert list(
        Answer.objects.order_by("pk").values_list("pk", "plan_id", "question_id", "value")
    ) == [
        (41, plan.pk, questions[0].pk, "Answer 41"),
        (57, plan.pk, questions[1].pk, "Answer 57"),
    ]
    assert list(
        Answer.history.order_by("history_id").values_list("id", "revision", "history_type")
    ) == [(41, 1, "+"), (41, 2, "~"), (57, 1, "+"), (57, 2, "~")]
    assert [h.value for h in Answer.objects.get(pk=57).history.order_by("revision")] == [
        "Answer 57 (revision 1)",
        "Answer 57 (revision 2)",
    ]
    old_type.refresh_from_db()
    assert (old_type.app_label, old_type.model) == ("plans", "answer")
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == granted
    # New answers take ids after the kept ones.
    new = Answer.objects.create(
        plan=plan,
        question=questions[1].version.questions.order_by("-pk")[0],
        updated_at=answered_at,
    )
    assert new.pk > 57


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
