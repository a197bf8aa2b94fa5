"""Each role knows what it may do: the dashboard says the viewer's role and why there is no
Submit button; refusals say why in plain words and lead back; the submit page lists the
open threads and a missing reviewer before its button."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from microcred.comments.services import add_comment
from microcred.plans.answers import save_answer
from microcred.plans.models import PlanMembership
from microcred.plans.permissions import ROLE_ALLOWS, SUPERUSER_ALLOWS, PlanAccess
from microcred.plans.views.errors import permission_denied
from microcred.review.services import decide_review, submit_for_review
from tests.factories import PlanFactory


@pytest.mark.parametrize("persona", ["owner", "editor", "viewer", "reviewer"])
def test_the_dashboard_says_the_viewers_role_and_what_it_allows(client, plan, persona, request):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(plan.get_absolute_url()).content.decode()
    role = PlanMembership.Role(persona)
    assert (
        f'<p class="mb-2" id="viewer-role"><strong>Your role: {role.label}.</strong> '
        f"{ROLE_ALLOWS[role]}</p>"
    ) in page


def test_a_superuser_outside_the_plan_is_told_so(client, plan, superuser):
    client.force_login(superuser)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f"<strong>Your role: administrator.</strong> {SUPERUSER_ALLOWS}</p>" in page


def test_every_role_has_its_sentence():
    assert set(ROLE_ALLOWS) == set(PlanMembership.Role)
    assert ROLE_ALLOWS[PlanMembership.Role.EDITOR] == (
        "As an editor you can change the answers and tables and reply to comments; only the "
        "owner can submit the plan for review or manage its members."
    )


@pytest.mark.parametrize("persona", ["editor", "viewer", "reviewer"])
def test_where_submit_is_not_offered_the_dashboard_says_why(client, plan, persona, request):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(plan.get_absolute_url()).content.decode()
    members = reverse("plans:members", kwargs={"plan_id": plan.pk})
    assert (
        '<p id="submit-refusal">Only the owner can submit this plan. '
        f'<a href="{members}">See who the owner is</a>.</p>'
    ) in page
    assert "Submit for review</a>" not in page


def test_the_owner_is_offered_submit_and_no_refusal(client, plan, owner):
    client.force_login(owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Submit for review</a>" in page
    assert 'id="submit-refusal"' not in page


@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        ("draft", ""),
        ("changes_requested", ""),
        ("in_review", "This plan is in review already: its reviewers approve it or request "),
        ("approved", "This plan is approved: reopen it for revision first, then submit it "),
        ("archived", "This plan is archived: restore it first."),
    ],
)
def test_the_owner_is_told_why_a_plan_cannot_be_submitted_in_each_status(owner, status, refusal):
    plan = PlanFactory(created_by=owner, status=status)
    access = PlanAccess(plan=plan, role=PlanMembership.Role.OWNER, is_superuser=False)
    assert access.submit_refusal.startswith(refusal) and bool(access.submit_refusal) == bool(
        refusal
    )
    assert access.can_submit == (not refusal)


def test_an_editor_refused_the_submit_page_is_told_why_and_led_back_to_the_plan(
    client, plan, editor
):
    client.force_login(editor)
    response = client.get(reverse("review:submit", kwargs={"plan_id": plan.pk}))
    page = response.content.decode()
    assert response.status_code == 403
    assert '<p id="refusal-reason">Only the owner can submit this plan.</p>' in page
    assert "only as a draft" not in page
    assert f'<a href="/plans/{plan.pk}/">Back to the plan</a><a href="/plans/">My plans</a>' in page


def test_a_refusal_of_a_submitted_plan_says_it_is_in_review(client, plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(owner)
    page = client.get(reverse("review:submit", kwargs={"plan_id": plan.pk})).content.decode()
    assert (
        '<p id="refusal-reason">This plan is in review already: its reviewers approve it or '
        "request changes first.</p>"
    ) in page


def test_archiving_refused_to_an_editor_says_only_the_owner_may(client, plan, editor):
    client.force_login(editor)
    response = client.get(reverse("plans:archive", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 403
    assert (
        '<p id="refusal-reason">Only the plan&#x27;s owner can archive or restore it.</p>'
        in response.content.decode()
    )


def test_a_refusal_outside_a_plan_leads_back_to_the_page_of_this_site_one_came_from(editor):
    # No page outside a plan refuses its viewers yet: the handler is called as Django would.
    came_from = "http://testserver/plans/?search=privacy"
    request = RequestFactory().get("/reviews/", HTTP_REFERER=came_from)
    request.user = editor
    response = permission_denied(request, PermissionDenied("Only reviewers come here."))
    page = response.content.decode()
    assert response.status_code == 403
    assert '<p id="refusal-reason">Only reviewers come here.</p>' in page
    assert (
        '<a href="http://testserver/plans/?search=privacy">Back to the page you came from</a>'
    ) in page
    # Another site's address is no way back.
    request = RequestFactory().get("/reviews/", HTTP_REFERER="https://elsewhere.example/")
    request.user = editor
    page = permission_denied(request, PermissionDenied()).content.decode()
    assert '<a href="/plans/">Back to my plans</a>' in page
    assert "elsewhere.example" not in page
    assert "You do not have permission to do this." in page


# The submit page.


def test_the_submit_page_lists_the_open_threads_as_the_decision_page_does(
    client, plan, owner, reviewer, question
):
    for n in range(2):
        add_comment(
            plan=plan, user=reviewer, body=f"Point {n}.", phase=question.phase, question=question
        )
    client.force_login(owner)
    page = client.get(reverse("review:submit", kwargs={"plan_id": plan.pk})).content.decode()
    assert '<h3 class="h5" id="threads-heading">2 open comment threads</h3>' in page
    assert "Rosa Reviewer: Point 1." in page
    comments = reverse("comments:plan_comments", kwargs={"plan_id": plan.pk})
    assert f'<a href="{comments}">The open threads on the Comments page</a>' in page


def test_the_submit_page_says_when_no_thread_is_open(client, plan, owner):
    client.force_login(owner)
    page = client.get(reverse("review:submit", kwargs={"plan_id": plan.pk})).content.decode()
    assert '<p class="text-success-emphasis">No comment thread is open.</p>' in page


def test_a_plan_without_a_reviewer_is_told_so_before_the_submit_button(client, owner):
    plan = PlanFactory(created_by=owner)
    client.force_login(owner)
    page = client.get(reverse("review:submit", kwargs={"plan_id": plan.pk})).content.decode()
    members = reverse("plans:members", kwargs={"plan_id": plan.pk})
    notice = (
        '<p class="mb-0"><strong>This plan has no committee reviewer yet: add one on the '
        f'Members page first.</strong> <a class="alert-link" href="{members}">Open the Members '
        "page</a></p>"
    )
    assert notice in page
    assert page.index(notice) < page.index('value="Submit for review"')


def test_a_plan_whose_reviewers_cannot_decide_is_told_so_before_submitting(
    client, plan, owner, reviewer, question
):
    # A reviewer who wrote in the plan may not review it.
    save_answer(plan=plan, question=question, raw_value="Mine.", base_revision=0, user=reviewer)
    client.force_login(owner)
    page = client.get(reverse("review:submit", kwargs={"plan_id": plan.pk})).content.decode()
    assert "<strong>None of this plan&#x27;s reviewers can decide on it:" in page


def test_a_plan_with_a_reviewer_has_no_such_notice(client, plan, owner):
    client.force_login(owner)
    page = client.get(reverse("review:submit", kwargs={"plan_id": plan.pk})).content.decode()
    assert 'id="reviewer-missing"' not in page


def test_the_review_panel_offers_reopening_through_its_confirmation_page(
    client, plan, owner, reviewer
):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    client.force_login(owner)
    page = client.get(plan.get_absolute_url()).content.decode()
    reopen = reverse("review:reopen", kwargs={"plan_id": plan.pk})
    assert f'<a class="btn btn-outline-dark" href="{reopen}">Reopen for revision…</a>' in page
    assert f'action="{reopen}"' not in page
    assert 'id="submit-refusal"' not in page
