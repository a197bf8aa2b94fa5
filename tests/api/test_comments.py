"""/api/v1/plans/<id>/comments/…: the plan's threads with their replies, and comments,
replies and resolutions made as on the phase pages, with their messages."""

import pytest
from django.urls import reverse

from microcred.api.models import ApiToken
from microcred.comments.services import COMMENT_RATE_LIMIT, add_comment
from microcred.plans.models import Comment

pytestmark = pytest.mark.django_db

WRITE = {"scope": ApiToken.Scope.READ_WRITE}


def comments_url(plan):
    return reverse("api:plan_comments", kwargs={"pk": plan.pk})


def thread_url(plan, thread):
    return reverse("api:comment_thread", kwargs={"pk": plan.pk, "thread_id": thread.pk})


def phase(plan, slug="marketing"):
    return plan.template_version.phases.get(slug=slug)


def start_thread(plan, user, text="A thought.", question=None, slug="marketing"):
    place = phase(plan, question.phase.slug if question else slug)
    return add_comment(plan=plan, user=user, body=text, phase=place, question=question)


def reply(plan, user, thread, text="Agreed."):
    return add_comment(plan=plan, user=user, body=text, phase=thread.phase, thread=thread)


def test_threads_come_newest_first_with_their_replies_in_order(
    as_bearer, plan, owner, editor, viewer, question
):
    on_answer = start_thread(plan, owner, "Say more.", question=question)
    reply(plan, editor, on_answer, "Done.")
    reply(plan, owner, on_answer, "Thanks.")
    on_phase = start_thread(plan, viewer, "And the channels?")
    response = as_bearer(viewer).get(comments_url(plan))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [thread["text"] for thread in body["results"]] == ["And the channels?", "Say more."]
    first = body["results"][1]
    assert {k: v for k, v in first.items() if k not in ("created_at", "replies")} == {
        "id": on_answer.pk,
        "phase_slug": question.phase.slug,
        "question_key": "business_case",
        "author": "Olivia Owner",
        "text": "Say more.",
        "resolved_at": None,
        "resolved_by": None,
        "reply_count": 2,
    }
    assert [(r["author"], r["text"]) for r in first["replies"]] == [
        ("Eddie Editor", "Done."),
        ("Olivia Owner", "Thanks."),
    ]
    assert body["results"][0]["question_key"] is None
    assert on_phase.pk == body["results"][0]["id"]


def test_threads_filter_by_phase_question_and_state(as_bearer, plan, owner, viewer, question):
    on_answer = start_thread(plan, owner, question=question)
    start_thread(plan, owner, "On marketing.")
    resolved = start_thread(plan, owner, "Settled.")
    Comment.objects.filter(pk=resolved.pk).update(resolved_at=resolved.created_at)
    client = as_bearer(viewer)

    def texts(**query):
        response = client.get(comments_url(plan), query)
        assert response.status_code == 200, response.content
        return [thread["text"] for thread in response.json()["results"]]

    assert texts(question="business_case") == [on_answer.body]
    assert texts(phase="marketing") == ["On marketing."]
    assert texts(phase="marketing", state="all") == ["Settled.", "On marketing."]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"question": "nothing_like_it"}, {"question": ["This plan has no such question."]}),
        ({"phase": "nowhere"}, {"phase": ["This plan has no such phase."]}),
        ({"state": "closed"}, {"state": ['"closed" is not a valid choice.']}),
    ],
)
def test_a_filter_the_plan_has_no_match_for_is_a_400(as_bearer, plan, viewer, query, errors):
    response = as_bearer(viewer).get(comments_url(plan), query)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request's data is not valid.", "errors": errors}


def test_the_list_takes_as_many_queries_for_many_threads_as_for_one(
    as_bearer, plan, owner, editor, viewer, django_assert_max_num_queries
):
    client = as_bearer(viewer)
    reply(plan, editor, start_thread(plan, owner))
    client.get(comments_url(plan))  # the token's use noted
    with django_assert_max_num_queries(6):  # token, plan, count, threads, replies
        assert len(client.get(comments_url(plan)).json()["results"]) == 1
    for number in range(8):
        thread = start_thread(plan, editor, f"Point {number}.")
        reply(plan, owner, thread)
        reply(plan, viewer, thread)
    with django_assert_max_num_queries(6):
        assert len(client.get(comments_url(plan)).json()["results"]) == 9


def test_a_stranger_sees_no_comments(as_bearer, plan, owner, outsider):
    thread = start_thread(plan, owner)
    assert as_bearer(outsider).get(comments_url(plan)).status_code == 404
    assert as_bearer(outsider).get(thread_url(plan, thread)).status_code == 404


def test_a_viewer_comments_on_an_answer_as_on_the_page(as_bearer, plan, viewer):
    response = as_bearer(viewer, **WRITE).post(
        comments_url(plan),
        {"text": "  Why this price?\r\n", "question_key": "business_case"},
        "json",
    )
    assert response.status_code == 201, response.content
    comment = Comment.objects.get()
    assert response["Location"] == "http://testserver" + thread_url(plan, comment)
    assert response.json() == {
        "id": comment.pk,
        "reply_to": None,
        "phase_slug": comment.phase.slug,
        "question_key": "business_case",
        "author": "Vera Viewer",
        "text": "Why this price?",
        "created_at": response.json()["created_at"],
    }
    assert (comment.author, comment.question.key) == (viewer, "business_case")


def test_a_comment_on_a_phase(as_bearer, plan, reviewer):
    response = as_bearer(reviewer, **WRITE).post(
        comments_url(plan), {"text": "Channels?", "phase_slug": "marketing"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["phase_slug"], response.json()["question_key"]) == ("marketing", None)


def test_a_reply_goes_to_its_thread_and_reopens_it(as_bearer, plan, owner, editor):
    thread = start_thread(plan, owner)
    Comment.objects.filter(pk=thread.pk).update(resolved_at=thread.created_at, resolved_by=owner)
    response = as_bearer(editor, **WRITE).post(
        comments_url(plan), {"text": "Done.", "reply_to": thread.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response["Location"] == "http://testserver" + thread_url(plan, thread)
    assert response.json()["reply_to"] == thread.pk
    thread.refresh_from_db()
    assert not thread.is_resolved
    assert thread.replies.get().body == "Done."


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"text": "Hm."},
            {
                "non_field_errors": [
                    "Say where the comment goes: question_key, phase_slug or reply_to."
                ]
            },
        ),
        (
            {"text": "Hm.", "phase_slug": "nowhere"},
            {"phase_slug": ["This plan has no phase “nowhere”."]},
        ),
        (
            {"text": "Hm.", "question_key": "nothing_like_it"},
            {"question_key": ["This plan has no question “nothing_like_it”."]},
        ),
        (
            {"text": "Hm.", "reply_to": 999999},
            {"reply_to": ["No such comment thread on this plan."]},
        ),
        (
            {"text": "Hm.", "reply_to": 1, "phase_slug": "marketing"},
            {
                "reply_to": [
                    "A reply goes where its thread is: leave out question_key and phase_slug."
                ]
            },
        ),
        (
            {"text": "Hm.", "phase_slug": "marketing", "colour": "red"},
            {"colour": ["Unknown field."]},
        ),
    ],
)
def test_a_comment_with_nowhere_to_go_is_a_400(as_bearer, plan, viewer, body, errors):
    response = as_bearer(viewer, **WRITE).post(comments_url(plan), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Comment.objects.exists()


def test_the_services_refusals_are_400s_with_the_pages_messages(as_bearer, plan, owner, viewer):
    client = as_bearer(viewer, **WRITE)
    response = client.post(comments_url(plan), {"text": "  ", "phase_slug": "marketing"}, "json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Write something before you post the comment.",
        "errors": {"text": ["Write something before you post the comment."]},
    }
    on_other_phase = start_thread(
        plan, owner, question=plan.template_version.questions.get(key="business_case")
    )
    response = client.post(
        comments_url(plan),
        {"text": "Hm.", "question_key": "business_case", "phase_slug": "marketing"},
        format="json",
    )
    assert response.json()["detail"] == "That question is not part of this phase."
    answer = reply(plan, owner, on_other_phase)
    response = client.post(comments_url(plan), {"text": "Hm.", "reply_to": answer.pk}, "json")
    assert response.json()["detail"] == "You can only reply to a thread of this plan."


def test_too_many_comments_are_refused_with_the_pages_message(as_bearer, plan, viewer):
    for _ in range(COMMENT_RATE_LIMIT):
        start_thread(plan, viewer)
    response = as_bearer(viewer, **WRITE).post(
        comments_url(plan), {"text": "More.", "phase_slug": "marketing"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "You have posted 30 comments in the last 10 minutes."
    )


def test_one_thread_with_every_reply(as_bearer, plan, owner, viewer):
    thread = start_thread(plan, owner)
    answer = reply(plan, viewer, thread)
    response = as_bearer(viewer).get(thread_url(plan, thread))
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["replies"]] == [answer.pk]
    not_a_thread = as_bearer(viewer).get(thread_url(plan, answer))
    assert not_a_thread.status_code == 404
    assert not_a_thread.json() == {"detail": "No such comment thread on this plan."}


def test_writers_and_reviewers_resolve_and_reopen_a_thread(as_bearer, plan, owner, reviewer):
    thread = start_thread(plan, owner)
    client = as_bearer(reviewer, **WRITE)
    response = client.patch(thread_url(plan, thread), {"resolved": True}, format="json")
    assert response.status_code == 200
    assert response.json()["resolved_by"] == "Rosa Reviewer"
    thread.refresh_from_db()
    assert thread.resolved_by == reviewer
    response = client.patch(thread_url(plan, thread), {"resolved": False}, format="json")
    assert (response.json()["resolved_at"], response.json()["resolved_by"]) == (None, None)


def test_a_viewer_resolves_only_their_own_thread(as_bearer, plan, owner, viewer):
    client = as_bearer(viewer, **WRITE)
    theirs = start_thread(plan, owner)
    response = client.patch(thread_url(plan, theirs), {"resolved": True}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the thread's author, the plan's owner and editors, and its committee "
        "reviewers can resolve or reopen a thread."
    }
    own = start_thread(plan, viewer)
    assert client.patch(thread_url(plan, own), {"resolved": True}, format="json").status_code == 200


def test_a_change_that_names_nothing_changes_nothing(as_bearer, plan, owner):
    thread = start_thread(plan, owner)
    response = as_bearer(owner, **WRITE).patch(thread_url(plan, thread), {}, format="json")
    assert response.status_code == 200
    assert response.json()["resolved_at"] is None
    thread.refresh_from_db()
    assert thread.resolved_at is None


def test_resolving_takes_a_yes_or_no(as_bearer, plan, owner):
    thread = start_thread(plan, owner)
    response = as_bearer(owner, **WRITE).patch(
        thread_url(plan, thread), {"resolved": "yes"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"resolved": ["Should be true or false."]}


def test_a_thread_id_past_any_database_integer_is_a_404(as_bearer, plan, owner):
    url = reverse("api:comment_thread", kwargs={"pk": plan.pk, "thread_id": 2**70})
    client = as_bearer(owner, **WRITE)
    assert client.get(url).status_code == 404
    assert client.patch(url, {"resolved": True}, format="json").status_code == 404
