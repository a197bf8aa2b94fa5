"""What one autosave costs and does: an answer's or a row's save reads and writes only
what it must (exact query counts), answers only what changed (the phase's count, which
questions apply), and stays safe against a concurrent save or submission."""

import json
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from microcred.demo.services import demo_form_data
from microcred.plans.answers import save_answer
from microcred.plans.models import Answer, Plan
from microcred.plans.record_rows import save_record
from microcred.questionnaires.models import Question
from microcred.records.registry import REGISTRY
from tests.plans.test_record_sets import add_demo_row, demo_rows, price_tier_data, question_for

STAKEHOLDERS = "planning.stakeholders"

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time"
)


def autosave(client, plan, key, value, revision, slug="strategic-planning"):
    url = reverse("plans:autosave_answer", args=[plan.pk, slug, key])
    return client.post(url, {key: value, f"{key}__revision": revision}, HTTP_HX_REQUEST="true")


def revision_of(plan, key) -> int:
    answer = Answer.objects.filter(plan=plan, question__key=key).first()
    return answer.revision if answer else 0


# The counts include what only a test sees: the session read from the database (the
# cache serves it in production, settings.SESSION_ENGINE) and the SAVEPOINT and RELEASE
# of the save's transaction inside the test's (BEGIN and COMMIT, which Django does not
# count, in production). Per save: the user, the plan with the viewer's role, the question
# with its phase, the answer; then the plan's stamp (which locks it and checks its
# status), the answer's next revision if it is still at the one read, its history row.
ANSWER_AUTOSAVE_QUERIES = 10
# The user, the plan, the question; the plan's stamp, the row (locked), its next
# revision, its history row and the table's time on its answer.
ROW_CHANGE_QUERIES = 11


def test_an_answer_autosave_reads_and_writes_only_what_it_must(
    client, plan, owner, django_assert_num_queries
):
    client.force_login(owner)
    autosave(client, plan, "business_case", "First.", 0)
    with django_assert_num_queries(ANSWER_AUTOSAVE_QUERIES):
        response = autosave(client, plan, "business_case", "Second.", 1)
    assert 'name="business_case__revision" value="2"' in response.content.decode()
    answer = Answer.objects.get(plan=plan, question__key="business_case")
    assert (answer.value, answer.revision, answer.updated_by) == ("Second.", 2, owner)
    assert [h.value for h in answer.history.order_by("history_id")] == ["First.", "Second."]
    last = answer.history.latest("history_id")
    assert (last.history_type, last.history_user, last.revision) == ("~", owner, 2)


def test_a_text_changed_again_leaves_the_count_and_the_questions_alone(client, plan, owner):
    client.force_login(owner)
    first = autosave(client, plan, "business_case", "First.", 0)
    assert "of 29 questions answered" in first.content.decode()
    again = autosave(client, plan, "business_case", "Second.", 1)
    assert "questions answered" not in again.content.decode()
    assert "HX-Trigger" not in again.headers
    cleared = autosave(client, plan, "business_case", "", 2)
    assert "0 of 29 questions answered" in cleared.content.decode()


def test_an_answer_that_decides_conditions_says_which_questions_apply(client, plan, owner):
    client.force_login(owner)
    slug = "design-and-development"
    stack = ["stackable_requirements", "stack_components"]
    stackable = autosave(client, plan, "credential_model", "Stackable", 0, slug)
    hidden = json.loads(stackable.headers["HX-Trigger"])["questionsApply"]["hidden"]
    assert hidden and not set(stack) & set(hidden)
    single = autosave(client, plan, "credential_model", "Certificate", 1, slug)
    assert json.loads(single.headers["HX-Trigger"])["questionsApply"]["hidden"] == stack + hidden


def post_row_change(client, plan, question, row, data):
    """A change of one row of a Strategic Planning table, as its form posts it."""
    prefix = f"{question.key}-{row.pk}"
    posted = {f"{prefix}-{name}": value for name, value in data.items()}
    posted[f"{prefix}-revision"] = row.revision
    url = reverse("plans:record_change", args=[plan.pk, "strategic-planning", question.key, row.pk])
    return client.post(url, posted, HTTP_HX_REQUEST="true")


def test_a_row_change_reads_and_writes_only_what_it_must(
    client, plan, owner, django_assert_num_queries
):
    row = add_demo_row(plan, "planning.stakeholders", owner)
    question = row.question
    answer_before = plan.answers.get(question=question)
    data = demo_form_data(REGISTRY["planning.stakeholders"], plan, demo_rows(STAKEHOLDERS)[0])
    data["name"] = "Certification Council of the Region"
    client.force_login(owner)
    with django_assert_num_queries(ROW_CHANGE_QUERIES):
        response = post_row_change(client, plan, question, row, data)
    assert "Saved at" in response.content.decode()
    row.refresh_from_db()
    assert (row.name, row.revision) == ("Certification Council of the Region", 2)
    assert row.history.latest("history_id").name == row.name
    answer = plan.answers.get(question=question)
    assert (answer.value, answer.revision) == (1, answer_before.revision)
    assert answer.updated_at == row.updated_at > answer_before.updated_at
    assert Plan.objects.get(pk=plan.pk).updated_at == row.updated_at


def test_a_price_tier_change_also_reads_the_forecast_that_lists_it(
    client, plan, owner, django_assert_num_queries
):
    tiers = question_for(plan, "planning.price_tiers")
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    client.force_login(owner)
    # The candidate forecast's question and rows, and the tiers its rows may choose.
    with django_assert_num_queries(ROW_CHANGE_QUERIES + 4):
        response = post_row_change(client, plan, tiers, row, price_tier_data(price="260.00"))
    assert "Saved at" in response.content.decode()
    assert "hx-swap-oob" in response.content.decode()


def test_a_row_saved_unchanged_leaves_the_plan_unstamped(plan, owner):
    tiers = question_for(plan, "planning.price_tiers")
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    stamp = Plan.objects.get(pk=plan.pk).updated_at
    result = save_record(
        plan=plan,
        question=tiers,
        data={f"t-{name}": value for name, value in price_tier_data().items()},
        user=owner,
        record_id=row.pk,
        base_revision=row.revision,
        prefix="t",
    )
    assert not result.changed
    assert Plan.objects.get(pk=plan.pk).updated_at == stamp


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_saves_from_the_same_revision_store_one_and_refuse_the_other(plan, owner, editor):
    question = Question.objects.get(version=plan.template_version, key="business_case")
    save_answer(plan=plan, question=question, raw_value="First.", base_revision=0, user=owner)
    outcomes = []
    barrier = threading.Barrier(2)

    def save(user, text):
        try:
            barrier.wait()
            save_answer(plan=plan, question=question, raw_value=text, base_revision=1, user=user)
            outcomes.append("saved")
        except Exception as refusal:  # noqa: BLE001 - what each thread met is the point
            outcomes.append(type(refusal).__name__)
        finally:
            connection.close()  # this thread's own

    threads = [threading.Thread(target=save, args=pair) for pair in [(owner, "A."), (editor, "B.")]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(outcomes) == ["AnswerConflict", "saved"]
    answer = Answer.objects.get(plan=plan, question=question)
    assert answer.revision == 2 and answer.history.count() == 2


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_save_that_waits_for_a_submission_is_refused_after_it(plan, owner):
    question = Question.objects.get(version=plan.template_version, key="business_case")
    outcome = []

    def save_meanwhile():
        try:
            save_answer(
                plan=plan, question=question, raw_value="Late.", base_revision=0, user=owner
            )
            outcome.append("saved")
        except Exception as refusal:  # noqa: BLE001
            outcome.append(str(refusal))
        finally:
            connection.close()

    with transaction.atomic():
        # As submit_for_review does: the plan's row changes status, and stays locked.
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
        saving = threading.Thread(target=save_meanwhile)
        saving.start()
        saving.join(timeout=1)
        assert saving.is_alive()  # waiting for the plan's row
    saving.join(timeout=10)
    assert outcome == [Plan(status=Plan.Status.IN_REVIEW).answers_lock_reason]
    assert not Answer.objects.filter(plan=plan, question=question).exists()
