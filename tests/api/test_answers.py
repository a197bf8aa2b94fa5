"""GET/PUT /api/v1/plans/<id>/answers/…: a plan's answers read, and written with the phase
page's rules: the kind's validation, the lock while in review, and no silent overwrite of
what someone else changed (412 or 409 naming them)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from microcred.api.answer_views import NO_PRECONDITION, TABLE_REFUSAL
from microcred.api.models import ApiToken
from microcred.plans.answers import save_answer
from microcred.plans.models import Answer, Plan
from microcred.questionnaires.kinds import clean_value
from microcred.questionnaires.models import Question
from microcred.review.services import submit_for_review
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

WRITE = ApiToken.Scope.READ_WRITE


def list_url(plan):
    return reverse("api:answer_list", kwargs={"pk": plan.pk})


def answer_url(plan, key):
    return reverse("api:answer_detail", kwargs={"pk": plan.pk, "question_key": key})


def refusal_of(question, value) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        clean_value(question, value)
    return refused.value.messages


@pytest.fixture
def writer(as_bearer):
    def client_of(user):
        return as_bearer(user, scope=WRITE)

    return client_of


def test_the_list_has_every_question_in_reading_order(as_bearer, plan, owner, question):
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=owner)
    body = as_bearer(owner).get(list_url(plan), {"page_size": 100}).json()
    questions = plan.template_version.questions.order_by("phase__order", "order")
    assert body["count"] == questions.count()
    listed = {item["question"]: item for item in body["results"]}
    answered = listed[question.key]
    assert answered["value"] == "Ours."
    assert answered["revision"] == 1
    assert answered["answered"] is True
    assert answered["applies"] is True
    assert answered["kind"] == "long_text"
    assert answered["phase"] == question.phase.slug
    assert answered["updated_by"] == "Olivia Owner"
    assert answered["updated_at"]
    unanswered = next(item for item in body["results"] if item["question"] != question.key)
    assert (unanswered["value"], unanswered["revision"], unanswered["answered"]) == (None, 0, False)
    assert (unanswered["updated_by"], unanswered["updated_at"]) == (None, None)
    first_page = [item["question"] for item in body["results"]]
    assert first_page == [q.key for q in questions][: len(first_page)]


def test_the_list_narrows_to_a_phase(as_bearer, plan, owner, question):
    body = as_bearer(owner).get(list_url(plan), {"phase": question.phase.slug}).json()
    assert body["count"] == question.phase.questions.count()
    assert {item["phase"] for item in body["results"]} == {question.phase.slug}


def choice_value(question, choice):
    if question.kind == Question.Kind.YES_NO:
        return {"choice": choice, "explanation": "Because."}
    return {"choice": choice, "other": ""}


def test_a_question_applies_as_its_condition_says(writer, plan, owner):
    dependent = (
        plan.template_version.questions.exclude(show_if_question=None)
        .select_related("show_if_question")
        .first()
    )
    controlling = dependent.show_if_question
    options = ("yes", "no") if controlling.kind == Question.Kind.YES_NO else controlling.choices
    showing = dependent.show_if_values[0]
    hiding = next(option for option in options if option not in dependent.show_if_values)
    client = writer(owner)

    def applies():
        return client.get(answer_url(plan, dependent.key)).json()["applies"]

    assert applies() is False  # nothing chosen yet
    for revision, (choice, expected) in enumerate([(showing, True), (hiding, False)]):
        response = client.put(
            answer_url(plan, controlling.key),
            {"value": choice_value(controlling, choice), "revision": revision},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert applies() is expected


def test_one_answer_carries_its_revision_as_etag(as_bearer, plan, owner, question):
    client = as_bearer(owner)
    unanswered = client.get(answer_url(plan, question.key))
    assert unanswered.status_code == 200
    assert unanswered["ETag"] == '"0"'
    assert unanswered.json()["value"] is None
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=owner)
    answered = client.get(answer_url(plan, question.key))
    assert answered["ETag"] == '"1"'
    assert answered.json()["value"] == "Ours."


def test_a_question_the_template_lacks_is_a_404(as_bearer, plan, owner):
    response = as_bearer(owner).get(answer_url(plan, "nowhere"))
    assert response.status_code == 404
    assert response.json() == {"detail": "This plan's template has no question “nowhere”."}


def test_a_write_based_on_the_revision_is_saved(writer, plan, editor, question):
    client = writer(editor)
    first = client.put(
        answer_url(plan, question.key), {"value": "  Ours.  ", "revision": 0}, format="json"
    )
    assert first.status_code == 200, first.content
    assert first["ETag"] == '"1"'
    assert first.json()["value"] == "Ours."
    assert first.json()["updated_by"] == "Eddie Editor"
    second = client.put(
        answer_url(plan, question.key),
        {"value": "Ours, revised."},
        format="json",
        headers={"If-Match": first["ETag"]},
    )
    assert second.status_code == 200
    assert second["ETag"] == '"2"'
    answer = Answer.objects.get(plan=plan, question=question)
    assert (answer.value, answer.revision, answer.updated_by) == ("Ours, revised.", 2, editor)
    assert answer.history.count() == 2


def test_null_clears_the_answer(writer, plan, owner, question):
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=owner)
    response = writer(owner).put(
        answer_url(plan, question.key), {"value": None, "revision": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["value"], response.json()["answered"]) == (None, False)
    assert response.json()["revision"] == 2


def test_a_write_must_say_what_it_is_based_on(writer, plan, owner, question):
    response = writer(owner).put(answer_url(plan, question.key), {"value": "x"}, format="json")
    assert response.status_code == 428
    assert response.json() == {"detail": NO_PRECONDITION}
    assert not Answer.objects.filter(plan=plan).exists()


def updated_by_editor(plan, question, editor):
    answer = save_answer(
        plan=plan, question=question, raw_value="Theirs.", base_revision=0, user=editor
    ).answer
    when = date_format(timezone.localtime(answer.updated_at), "j M Y, H:i")
    return answer, (
        f"Eddie Editor changed this answer at {when}. Read it again, and send your change "
        "based on revision 1."
    )


def test_two_clients_a_stale_if_match_is_a_412_naming_who_changed_it(
    writer, plan, owner, editor, question
):
    mine, theirs = writer(owner), writer(editor)
    url = answer_url(plan, question.key)
    etag = mine.get(url)["ETag"]
    assert theirs.get(url)["ETag"] == etag == '"0"'

    def put(client, value):
        return client.put(url, {"value": value}, format="json", headers={"If-Match": etag})

    assert put(theirs, "Theirs.").status_code == 200
    answer = Answer.objects.get(plan=plan, question=question)
    refused = put(mine, "Mine.")
    assert refused.status_code == 412
    body = refused.json()
    when = date_format(timezone.localtime(answer.updated_at), "j M Y, H:i")
    assert body["detail"].startswith(f"Eddie Editor changed this answer at {when}.")
    assert body["updated_by"] == "Eddie Editor"
    assert body["updated_at"] == answer.updated_at.isoformat().replace("+00:00", "Z")
    assert body["revision"] == 1
    assert refused["ETag"] == '"1"'
    assert Answer.objects.get(plan=plan, question=question).value == "Theirs."


def test_a_stale_revision_in_the_body_is_a_409(writer, plan, owner, editor, question):
    answer, message = updated_by_editor(plan, question, editor)
    response = writer(owner).put(
        answer_url(plan, question.key), {"value": "Mine.", "revision": 0}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == message
    assert response.json()["revision"] == answer.revision


def test_the_same_value_on_a_stale_revision_is_no_conflict(writer, plan, owner, editor, question):
    updated_by_editor(plan, question, editor)
    response = writer(owner).put(
        answer_url(plan, question.key), {"value": "Theirs.", "revision": 0}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["revision"] == 1


@pytest.mark.parametrize(
    ("headers", "body", "field"),
    [
        ({"If-Match": "1"}, {"value": "x"}, "If-Match"),
        ({"If-Match": 'W/"0"'}, {"value": "x"}, "If-Match"),
        ({"If-Match": '"0"'}, {"value": "x", "revision": 1}, "revision"),
        ({}, {"value": "x", "revision": -1}, "revision"),
        ({}, {"value": "x", "revision": "zero"}, "revision"),
        ({}, {"revision": 0}, "value"),
        ({}, {"value": "x", "revision": 0, "answer": "y"}, "answer"),
    ],
)
def test_a_malformed_write_is_a_400(writer, plan, owner, question, headers, body, field):
    response = writer(owner).put(
        answer_url(plan, question.key), body, format="json", headers=headers
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert not Answer.objects.filter(plan=plan).exists()


def test_a_value_the_kind_refuses_gets_the_kinds_message(writer, plan, owner, template_version):
    client = writer(owner)
    by_kind = {}
    for question in template_version.questions.exclude(kind=Question.Kind.RECORD_SET):
        by_kind.setdefault(question.kind, question)
    refused = {
        "short_text": "x" * 501,
        "long_text": ["not", "text"],
        "yes_no": {"choice": "perhaps", "explanation": ""},
        "single_choice": "a string",
        "multiple_choice": {"choices": "one", "other": ""},
        "number": "twelve",
        "money": {"amount": "10", "currency": 12},
        "date": "2026-13-45",
    }
    for kind, question in by_kind.items():
        response = client.put(
            answer_url(plan, question.key), {"value": refused[kind], "revision": 0}, format="json"
        )
        assert response.status_code == 400, (kind, response.content)
        assert response.json()["errors"] == {"value": refusal_of(question, refused[kind])}
    assert not Answer.objects.filter(plan=plan).exists()


def test_a_table_is_written_through_its_rows(writer, plan, owner, template_version):
    table = template_version.questions.filter(kind=Question.Kind.RECORD_SET).first()
    response = writer(owner).put(
        answer_url(plan, table.key), {"value": 2, "revision": 0}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"value": [TABLE_REFUSAL]}


def test_a_plan_in_review_is_a_409_with_the_pages_reason(writer, plan, owner, question):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    response = writer(owner).put(
        answer_url(plan, question.key), {"value": "x", "revision": 0}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": Plan(status=Plan.Status.IN_REVIEW).answers_lock_reason}
    assert not Answer.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("reviewer", 403), ("outsider", 404)]
)
def test_only_writers_write(writer, plan, question, request, persona, status):
    response = writer(request.getfixturevalue(persona)).put(
        answer_url(plan, question.key), {"value": "x", "revision": 0}, format="json"
    )
    assert response.status_code == status
    assert not Answer.objects.filter(plan=plan).exists()


def test_the_plan_files_answers_write_back_through_the_api(writer, demo_plan, superuser):
    client = writer(superuser)
    document = client.get(reverse("api:plan_content", kwargs={"pk": demo_plan.pk})).json()
    copy = PlanFactory(template_version=demo_plan.template_version)
    written = [a for a in document["answers"] if a["kind"] != Question.Kind.RECORD_SET]
    assert len(written) > 10
    for answer in written:
        response = client.put(
            answer_url(copy, answer["question"]),
            {"value": answer["value"], "revision": 0},
            format="json",
        )
        assert response.status_code == 200, (answer, response.content)
    again = client.get(reverse("api:plan_content", kwargs={"pk": copy.pk})).json()
    assert again["answers"] == written


# The token; the plan and the user's roles; the questions; the answers.
ANSWER_QUERIES = 4


def test_the_answers_take_the_same_queries_whatever_their_number(
    as_bearer, demo_plan, superuser, django_assert_num_queries
):
    empty = PlanFactory(template_version=demo_plan.template_version)
    client = as_bearer(superuser)
    client.get(reverse("api:plan_list"))  # the token's last use noted, out of the count
    key = demo_plan.template_version.questions.first().key
    for plan in (empty, demo_plan):
        with django_assert_num_queries(ANSWER_QUERIES):
            assert client.get(list_url(plan), {"page_size": 100}).status_code == 200
        with django_assert_num_queries(ANSWER_QUERIES):
            assert client.get(answer_url(plan, key)).status_code == 200


def test_a_revision_for_a_question_never_answered_says_to_send_0(writer, plan, owner, question):
    response = writer(owner).put(
        answer_url(plan, question.key), {"value": "Mine.", "revision": 3}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "This question has no answer yet: send revision 0."
    assert (response.json()["revision"], response["ETag"]) == (0, '"0"')
    assert not Answer.objects.filter(plan=plan).exists()
