"""Limits that keep a flood of comments, or text with control characters, from breaking
a plan's pages, its PDF or its e-mails."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from microcred.comments.services import add_comment
from microcred.plans.models import Comment, Plan
from microcred.plans.selectors import (
    APPENDIX_THREADS_MAX,
    REPLIES_SHOWN_PER_THREAD,
    THREADS_SHOWN_PER_ANSWER,
)
from microcred.plans.services import create_plan
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def threads_on(plan, question, author, count, **extra):
    """`count` threads on one answer, written directly (the rate limit is per person)."""
    Comment.objects.bulk_create(
        Comment(
            plan=plan,
            phase=question.phase,
            question=question,
            author=author,
            body=f"Thread {n} on {question.key}",
            **extra,
        )
        for n in range(count)
    )


def test_the_31st_comment_in_ten_minutes_is_refused(plan, reviewer, question):
    for n in range(30):
        add_comment(plan=plan, user=reviewer, body=f"Point {n}", phase=question.phase)
    with pytest.raises(ValidationError) as refused:
        add_comment(plan=plan, user=reviewer, body="One more", phase=question.phase)
    assert refused.value.messages == [
        "You have posted 30 comments in the last 10 minutes. Please wait a few minutes "
        "before posting more; your text was not posted."
    ]
    assert plan.comments.count() == 30


def test_a_thread_holds_at_most_100_replies(plan, reviewer, owner, question):
    thread = add_comment(plan=plan, user=reviewer, body="Start", phase=question.phase)
    Comment.objects.bulk_create(
        Comment(plan=plan, phase=question.phase, thread=thread, author=owner, body=f"Re {n}")
        for n in range(100)
    )
    with pytest.raises(ValidationError) as refused:
        add_comment(plan=plan, user=reviewer, body="Again", phase=question.phase, thread=thread)
    assert refused.value.messages == [
        "This thread has 100 replies, the most one thread can hold. Resolve it and start a "
        "new thread on the same answer."
    ]


@pytest.mark.parametrize(
    ("body", "named", "where"),
    [
        ("Bad\x00byte", "U+0000 (NUL)", "at position 4"),
        ("Bad\x1bbyte", "U+001B (ESC)", "at position 4"),
        ("Fine.\n\tBad\u2028byte", "U+2028 (LINE SEPARATOR)", "at position 5 of line 2"),
    ],
)
def test_a_control_character_in_a_comment_is_refused_with_a_message(
    client, plan, reviewer, question, body, named, where
):
    client.force_login(reviewer)
    url = reverse("comments:comment_on_question", args=[plan.pk, question.phase.slug, question.key])
    response = client.post(url, {f"body-{question.key}": body}, follow=True)
    assert response.status_code == 200
    assert (
        f"The comment contains the control character {named} {where}: remove it and try again."
    ) in response.content.decode()
    assert not plan.comments.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "Data\nPrivacy", "The title must fit on one line: remove the line break."),
        ("organization", "Acme\r\nGuild", "The organization must fit on one line"),
        ("title", "Data\x07Privacy", "The title contains the control character U+0007 (BEL)"),
        ("summary", "Short\x00.", "Null characters are not allowed."),
        ("summary", "Short\x1b.", "The summary contains the control character U+001B (ESC)"),
    ],
)
def test_control_characters_in_a_new_plan_are_refused_beside_the_field(
    client, owner, template_version, field, value, message
):
    client.force_login(owner)
    data = {"title": "Cloud Basics", "organization": "Acme", "summary": "Short.", field: value}
    response = client.post(reverse("plans:create"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Plan.objects.exists()


def test_create_plan_refuses_a_line_break_in_the_title(owner, template_version):
    with pytest.raises(ValidationError) as refused:
        create_plan(title="Two\nlines", organization="Acme", user=owner)
    assert refused.value.messages == ["The title must fit on one line: remove the line break."]


def test_a_long_summary_keeps_its_line_breaks(owner, template_version):
    plan = create_plan(title="Cloud", organization="Acme", summary="One.\nTwo.\tThree.", user=owner)
    assert plan.summary == "One.\nTwo.\tThree."


def test_phase_page_shows_a_few_threads_per_answer_and_links_to_the_rest(
    client, plan, reviewer, question
):
    threads_on(plan, question, reviewer, THREADS_SHOWN_PER_ANSWER + 3)
    client.force_login(reviewer)
    url = reverse("plans:phase", args=[plan.pk, question.phase.slug])
    response = client.get(url)
    html = response.content.decode()
    assert html.count('class="thread"') == THREADS_SHOWN_PER_ANSWER
    assert "Comments (8 threads)" in html
    assert "All 8 threads on this answer</a> (3 not shown here)" in html
    # The newest are shown: threads 3 to 7.
    assert "Thread 7 on business_case" in html
    assert "Thread 2 on business_case" not in html


def test_comments_page_lists_every_thread_of_an_answer(
    client, plan, viewer, reviewer, question, django_assert_num_queries
):
    threads_on(plan, question, reviewer, 8)
    client.force_login(viewer)
    url = reverse("comments:plan_comments", args=[plan.pk]) + f"?state=all&question={question.key}"
    with django_assert_num_queries(7):
        response = client.get(url)
    html = response.content.decode()
    assert "8 threads." in html
    assert all(f"Thread {n} on business_case" in html for n in range(8))


def test_comments_page_is_paginated_and_hides_resolved_threads_by_default(
    client, plan, owner, reviewer, question
):
    threads_on(plan, question, reviewer, 25)
    threads_on(plan, question, reviewer, 2, resolved_at="2026-01-01T00:00Z")
    client.force_login(owner)
    html = client.get(reverse("comments:plan_comments", args=[plan.pk])).content.decode()
    assert "25 threads." in html
    assert "Page 1 of 2" in html
    assert html.count("Thread ") == 20


def test_outsider_gets_404_on_the_comments_page(client, plan, outsider):
    client.force_login(outsider)
    assert client.get(reverse("comments:plan_comments", args=[plan.pk])).status_code == 404


def test_pdf_appendix_prints_the_first_threads_and_counts_the_rest(plan, reviewer, question):
    threads_on(plan, question, reviewer, APPENDIX_THREADS_MAX + 12)
    text = pdf_text(html_to_pdf(render_plan_html(plan=plan)).content)
    assert "Thread 0 on business_case" in text
    assert f"Thread {APPENDIX_THREADS_MAX - 1} on business_case" in text
    assert f"Thread {APPENDIX_THREADS_MAX} on business_case" not in text
    assert "12 more unresolved threads are not printed here: 62 in all." in text


def thread_with_replies(plan, question, author, count):
    thread = add_comment(
        plan=plan, user=author, body="Start", phase=question.phase, question=question
    )
    Comment.objects.bulk_create(
        Comment(
            plan=plan,
            phase=question.phase,
            question=question,
            thread=thread,
            author=author,
            body=f"Re {n}.",
        )
        for n in range(count)
    )
    return thread


def test_phase_page_shows_the_newest_replies_and_links_to_the_whole_thread(
    client, plan, reviewer, question
):
    thread = thread_with_replies(plan, question, reviewer, REPLIES_SHOWN_PER_THREAD + 3)
    client.force_login(reviewer)
    html = client.get(reverse("plans:phase", args=[plan.pk, question.phase.slug])).content.decode()
    assert [n for n in range(8) if f"Re {n}." in html] == [3, 4, 5, 6, 7]
    url = reverse("comments:plan_comments", args=[plan.pk]) + f"?thread={thread.pk}"
    assert f'<a href="{url}">3 earlier replies</a>: the newest 5 are shown here.' in html


def test_the_whole_thread_has_every_reply(client, plan, viewer, reviewer, outsider, question):
    thread = thread_with_replies(plan, question, reviewer, 8)
    url = reverse("comments:plan_comments", args=[plan.pk])
    client.force_login(viewer)
    html = client.get(f"{url}?thread={thread.pk}").content.decode()
    assert "8 replies." in html
    assert all(f"Re {n}." in html for n in range(8))
    reply = thread.replies.first()
    assert client.get(f"{url}?thread={reply.pk}").status_code == 404
    assert client.get(f"{url}?thread=x").status_code == 404
    client.force_login(outsider)
    assert client.get(f"{url}?thread={thread.pk}").status_code == 404
