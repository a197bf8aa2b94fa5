"""Phase pages come from the cache until something they show changes; each response
carries its own request's CSRF token."""

import datetime
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from microcred.comments.services import add_comment, set_thread_resolved
from microcred.plans.answers import save_answer
from microcred.plans.members import remove_member
from microcred.plans.models import PlanMembership
from microcred.plans.page_cache import CSRF_PLACEHOLDER
from microcred.plans.views import phases as views
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.reports.models import ReportExport
from microcred.review.services import submit_for_review
from tests.plans.test_record_sets import add_demo_row


def phase_url(plan, slug="strategic-planning"):
    return reverse("plans:phase", args=[plan.pk, slug])


def page(client, plan, slug="strategic-planning"):
    response = client.get(phase_url(plan, slug))
    assert response.status_code == 200
    return response.content.decode()


def csrf_tokens(content: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', content))


def test_a_cached_phase_page_costs_three_queries(client, plan, owner, django_assert_num_queries):
    client.force_login(owner)
    page(client, plan)
    # The session, the user, the plan with the viewer's role on it.
    with django_assert_num_queries(3):
        content = page(client, plan)
    assert 'id="q-business_case"' in content


def test_each_session_gets_its_own_csrf_token_in_a_cached_page(plan, owner, question):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(owner)
    second.force_login(owner)
    first_tokens = csrf_tokens(page(first, plan))
    second_content = page(second, plan)  # from the cache the first request filled
    second_tokens = csrf_tokens(second_content)
    assert CSRF_PLACEHOLDER not in second_content
    assert second_tokens and second_tokens.isdisjoint(first_tokens)
    # The token in the cached page is one the second session's form posts are accepted with.
    response = second.post(
        phase_url(plan),
        {"csrfmiddlewaretoken": second_tokens.pop(), question.key: "Posted with my own token."},
    )
    assert response.status_code == 302
    assert "Posted with my own token." in page(second, plan)


def test_text_that_looks_like_the_placeholder_never_shows_a_token(plan, owner, viewer, question):
    answer = (
        f"Old csrf-token-of-this-request, new {CSRF_PLACEHOLDER} and {escape(CSRF_PLACEHOLDER)}."
    )
    save_answer(plan=plan, question=question, raw_value=answer, base_revision=0, user=owner)
    reader = Client()
    reader.force_login(viewer)
    for content in (page(reader, plan), page(reader, plan)):  # rendered, then from the cache
        # Each token shows only where a token goes: a form's hidden input, htmx's header.
        for token in csrf_tokens(content):
            assert content.count(token) == content.count(f'value="{token}"') + content.count(
                f'"X-CSRFToken": "{token}"'
            )
        assert escape(answer) in content


def test_a_saved_answer_shows_at_once(client, plan, owner, editor, question):
    client.force_login(owner)
    page(client, plan)
    save_answer(
        plan=plan, question=question, raw_value="Saved by Eddie.", base_revision=0, user=editor
    )
    assert "Saved by Eddie." in page(client, plan)


def test_an_added_row_shows_at_once(client, plan, owner):
    client.force_login(owner)
    assert "Certification board" not in page(client, plan)
    row = add_demo_row(plan, "planning.stakeholders", owner)
    assert row.name in page(client, plan)


def test_a_comment_and_its_resolution_show_at_once(client, plan, owner, reviewer, question):
    client.force_login(owner)
    page(client, plan)
    thread = add_comment(
        plan=plan, user=reviewer, body="Which employers?", phase=question.phase, question=question
    )
    assert "Which employers?" in page(client, plan)
    assert "Resolved by" not in page(client, plan)
    set_thread_resolved(plan=plan, thread_id=thread.pk, user=owner, resolved=True)
    assert "Resolved by" in page(client, plan)


def test_submitting_locks_the_cached_page(client, plan, owner):
    client.force_login(owner)
    assert 'id="autosave-note"' in page(client, plan)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    content = page(client, plan)
    assert 'id="autosave-note"' not in content
    assert plan.answers_lock_reason or "in review" in content


def test_viewers_never_get_the_page_cached_for_a_writer(client, plan, owner, viewer):
    client.force_login(owner)
    assert "Save answers" in page(client, plan)
    client.force_login(viewer)
    content = page(client, plan)
    assert "Save answers" not in content
    assert "You can read this plan and comment on it" in content


def test_a_role_change_shows_at_once(client, plan, owner, viewer):
    client.force_login(viewer)
    assert "Save answers" not in page(client, plan)
    PlanMembership.objects.filter(plan=plan, user=viewer).update(role=PlanMembership.Role.EDITOR)
    assert "Save answers" in page(client, plan)
    membership = PlanMembership.objects.get(plan=plan, user=viewer)
    remove_member(plan=plan, membership_id=membership.pk, removed_by=owner)
    assert client.get(phase_url(plan)).status_code == 404


def test_a_new_day_renders_the_page_again(client, plan, owner, monkeypatch):
    client.force_login(owner)
    page(client, plan)
    renders = []
    render_page = views._phase_page
    monkeypatch.setattr(
        views,
        "_phase_page",
        lambda *args, **kwargs: renders.append(1) or render_page(*args, **kwargs),
    )
    page(client, plan)
    assert renders == []
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    page(client, plan)
    assert renders == [1]


def test_the_dashboard_shows_a_finished_export_and_a_newer_version_at_once(
    client, plan, owner, template_version
):
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "No PDF yet." in content
    assert "is published; this plan uses version" not in content
    ReportExport.objects.create(plan=plan, requested_by=owner, status=ReportExport.Status.FAILED)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "No PDF yet." not in content and "Try again" in content
    publish_version(version=create_draft(source=template_version))
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "is published; this plan uses version" in content
