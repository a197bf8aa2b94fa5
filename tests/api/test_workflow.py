"""POST /api/v1/plans/<id>/submit/, decision/ and reopen/: the review workflow with the
pages' permissions and messages, answering the plan's status and its review round."""

import pytest
from django.urls import reverse

from microcred.api.models import ApiToken
from microcred.organizations.models import OrganizationMembership
from microcred.plans.answers import save_answer
from microcred.plans.archive import archive_plan
from microcred.plans.models import Plan, PlanMembership, ReviewRound
from microcred.plans.readiness_checks import readiness_by_phase, readiness_problems
from microcred.review.services import decide_review, submit_for_review
from tests.factories import UserFactory, add_to_organization

pytestmark = pytest.mark.django_db

WRITE = {"scope": ApiToken.Scope.READ_WRITE}


def url(name, plan):
    return reverse(f"api:plan_{name}", kwargs={"pk": plan.pk})


def submitted(plan):
    return submit_for_review(plan=plan, user=plan.created_by, confirm_incomplete=True)


def approved(plan, reviewer):
    submitted(plan)
    return decide_review(plan=plan, user=reviewer, decision="approved")


def status_of(plan):
    return Plan.objects.values_list("status", flat=True).get(pk=plan.pk)


# Submitting.


def test_the_owner_submits_with_a_note_and_confirms_the_problems(as_bearer, plan, owner):
    response = as_bearer(owner, **WRITE).post(
        url("submit", plan), {"note": "Ready.", "confirm_incomplete": True}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "in_review"
    assert {k: v for k, v in body["review_round"].items() if k != "submitted_at"} == {
        "number": 1,
        "submitted_by": "Olivia Owner",
        "note": "Ready.",
        "decision": None,
        "decided_by": None,
        "decided_at": None,
        "reason": "",
        "reopened_by": None,
        "reopened_at": None,
    }
    assert status_of(plan) == "in_review"


def test_an_incomplete_plan_needs_the_confirmation_and_lists_its_problems(as_bearer, plan, owner):
    problems = readiness_problems(readiness_by_phase(plan))
    response = as_bearer(owner, **WRITE).post(url("submit", plan), {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == (
        f"Send “confirm_incomplete”: true to submit with {len(problems)} readiness problems, "
        "or fix them first."
    )
    assert len(body["problems"]) == len(problems)
    assert body["problems"][0] == {
        "phase": problems[0].phase,
        "question_key": problems[0].question_key,
        "message": problems[0].message,
    }
    assert status_of(plan) == "draft"


def test_only_the_owner_submits(as_bearer, plan, editor):
    response = as_bearer(editor, **WRITE).post(
        url("submit", plan), {"confirm_incomplete": True}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the owner can submit this plan."}
    assert status_of(plan) == "draft"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (
            "in_review",
            "This plan is in review already: its reviewers approve it or request changes first.",
        ),
        ("approved", "This plan is approved: reopen it for revision first, then submit it again."),
        ("archived", "This plan is archived: restore it first."),
    ],
)
def test_a_plan_not_draft_is_a_409_with_the_pages_message(
    as_bearer, plan, owner, reviewer, state, message
):
    if state == "archived":
        archive_plan(plan=plan, user=owner)
    elif state == "approved":
        approved(plan, reviewer)
    else:
        submitted(plan)
    response = as_bearer(owner, **WRITE).post(
        url("submit", plan), {"confirm_incomplete": True}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": message}


def test_a_plan_without_a_reviewer_is_refused(as_bearer, plan, owner, reviewer):
    plan.memberships.filter(user=reviewer).delete()
    response = as_bearer(owner, **WRITE).post(
        url("submit", plan), {"confirm_incomplete": True}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This plan has no committee reviewer yet: add one on the Members page first."
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"note": "x" * 2001}, {"note": ["Ensure this field has no more than 2000 characters."]}),
        ({"confirm_incomplete": "perhaps"}, {"confirm_incomplete": ["Should be true or false."]}),
        ({"notes": "Ready."}, {"notes": ["Unknown field."]}),
    ],
)
def test_a_submission_the_page_would_refuse_is_a_400(as_bearer, plan, owner, body, errors):
    response = as_bearer(owner, **WRITE).post(url("submit", plan), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert status_of(plan) == "draft"


def test_a_read_only_token_cannot_submit(as_bearer, plan, owner):
    response = as_bearer(owner).post(url("submit", plan), {"confirm_incomplete": True}, "json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}


# Deciding.


def test_the_reviewer_approves(as_bearer, plan, reviewer):
    submitted(plan)
    response = as_bearer(reviewer, **WRITE).post(
        url("decision", plan), {"decision": "approved", "reason": "Well argued."}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert (body["review_round"]["decision"], body["review_round"]["decided_by"]) == (
        "approved",
        "Rosa Reviewer",
    )
    assert body["review_round"]["reason"] == "Well argued."
    assert status_of(plan) == "approved"


def test_changes_are_requested_with_a_reason(as_bearer, plan, reviewer):
    submitted(plan)
    client = as_bearer(reviewer, **WRITE)
    response = client.post(url("decision", plan), {"decision": "changes_requested"}, "json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "reason": ["Say what needs to change: the reason is sent to the plan's owner and editors."]
    }
    assert status_of(plan) == "in_review"
    response = client.post(
        url("decision", plan), {"decision": "changes_requested", "reason": "Costs?"}, "json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "changes_requested"
    assert plan.review_rounds.get().reason == "Costs?"


def test_a_decision_must_be_one_of_the_two(as_bearer, plan, reviewer):
    submitted(plan)
    response = as_bearer(reviewer, **WRITE).post(
        url("decision", plan), {"decision": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"decision": ['"maybe" is not a valid choice.']}


def test_only_a_reviewer_decides(as_bearer, plan, owner):
    submitted(plan)
    response = as_bearer(owner, **WRITE).post(
        url("decision", plan), {"decision": "approved"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only a committee reviewer of this plan can decide on it, while it is in review."
    }
    assert status_of(plan) == "in_review"


def test_a_reviewer_who_wrote_answers_may_not_decide(as_bearer, plan, reviewer):
    question = plan.template_version.questions.get(key="business_case")
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=reviewer)
    colleague = UserFactory(username="carla")
    add_to_organization(colleague, OrganizationMembership.Role.COMMITTEE_MEMBER)
    PlanMembership.objects.create(plan=plan, user=colleague, role=PlanMembership.Role.REVIEWER)
    submitted(plan)
    response = as_bearer(reviewer, **WRITE).post(
        url("decision", plan), {"decision": "approved"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "You have written in this plan, so you cannot review it."}


def test_a_reviewer_who_left_the_committee_may_not_decide(as_bearer, plan, reviewer):
    submitted(plan)
    reviewer.organization_memberships.all().delete()
    response = as_bearer(reviewer, **WRITE).post(
        url("decision", plan), {"decision": "approved"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "Only members of the committee of the plan's organization can decide on it"
    )


def test_a_plan_not_in_review_is_a_409_for_its_reviewer(as_bearer, plan, reviewer, editor):
    response = as_bearer(reviewer, **WRITE).post(
        url("decision", plan), {"decision": "approved"}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only a committee reviewer of this plan can decide on it, while it is in review."
    }
    other = as_bearer(editor, **WRITE).post(url("decision", plan), {"decision": "approved"}, "json")
    assert other.status_code == 403


# Reopening.


def test_the_owner_reopens_an_approved_plan(as_bearer, plan, owner, reviewer):
    approved(plan, reviewer)
    response = as_bearer(owner, **WRITE).post(url("reopen", plan))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["review_round"]["number"] == 1
    assert body["review_round"]["decision"] == "approved"
    assert body["review_round"]["reopened_by"] == "Olivia Owner"
    assert plan.review_rounds.get().reopened_by == owner
    assert status_of(plan) == "draft"


def test_only_the_owner_reopens(as_bearer, plan, editor, reviewer):
    approved(plan, reviewer)
    response = as_bearer(editor, **WRITE).post(url("reopen", plan))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the plan's owner can reopen it for revision."}
    assert status_of(plan) == Plan.Status.APPROVED


def test_only_an_approved_plan_reopens(as_bearer, plan, owner):
    submitted(plan)
    response = as_bearer(owner, **WRITE).post(url("reopen", plan))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Only an approved plan can be reopened for revision; this one is in review."
    }


def test_a_stranger_gets_404_from_each_step(as_bearer, plan, outsider):
    client = as_bearer(outsider, **WRITE)
    for name in ("submit", "decision", "reopen"):
        response = client.post(url(name, plan), {}, format="json")
        assert response.status_code == 404, name
        assert response.json() == {"detail": "No such plan."}


def test_the_whole_round_trip(as_bearer, plan, owner, reviewer):
    # One client: each step authenticates it as whoever takes the step.
    as_bearer(owner, **WRITE).post(url("submit", plan), {"confirm_incomplete": True}, "json")
    as_bearer(reviewer, **WRITE).post(url("decision", plan), {"decision": "approved"}, "json")
    as_bearer(owner, **WRITE).post(url("reopen", plan))
    response = as_bearer(owner, **WRITE).post(
        url("submit", plan), {"confirm_incomplete": True}, "json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["review_round"]["number"] == 2
    assert list(plan.review_rounds.values_list("decision", flat=True)) == [
        ReviewRound.Decision.APPROVED,
        "",
    ]
