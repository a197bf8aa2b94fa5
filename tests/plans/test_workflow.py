import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from microcred.plans.models import Plan, PlanMembership, ReviewRound
from microcred.plans.workflow import IncompletePlan, decide_review, submit_for_review
from microcred.questionnaires.models import Answer
from microcred.questionnaires.services import AnswersLocked, save_answer
from tests.factories import PlanFactory, add_member

pytestmark = pytest.mark.django_db


def test_submitting_with_unanswered_required_questions_needs_confirmation(plan, owner):
    with pytest.raises(IncompletePlan) as incomplete:
        submit_for_review(plan=plan, user=owner)
    assert len(incomplete.value.missing) == 37
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert not plan.review_rounds.exists()


def test_submitting_opens_a_round_and_locks_the_answers(plan, owner, question):
    review_round = submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    plan.refresh_from_db()
    assert (plan.status, review_round.number, review_round.submitted_by) == (
        Plan.Status.IN_REVIEW,
        1,
        owner,
    )
    with pytest.raises(AnswersLocked) as locked:
        save_answer(
            plan=plan, question=question, raw_value="Late edit.", base_revision=0, user=owner
        )
    assert str(locked.value) == (
        "This plan is in review: its answers are locked until a reviewer requests changes "
        "or approves it."
    )
    assert not Answer.objects.filter(plan=plan).exists()


def test_a_plan_without_reviewers_cannot_be_submitted(template_version, owner):
    from tests.factories import PlanFactory

    lonely = PlanFactory(created_by=owner, template_version=template_version)
    with pytest.raises(ValidationError) as error:
        submit_for_review(plan=lonely, user=owner, confirm_incomplete=True)
    assert error.value.messages == [
        "This plan has no committee reviewer yet: add one on the Members page first."
    ]


def test_a_plan_in_review_cannot_be_submitted_twice(plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(ValidationError, match="cannot be submitted now: it is in review"):
        submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert plan.review_rounds.count() == 1


def test_requesting_changes_needs_a_reason_and_unlocks_the_answers(plan, owner, reviewer, question):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(ValidationError) as error:
        decide_review(plan=plan, user=reviewer, decision="changes_requested", reason=" ")
    assert error.value.messages == [
        "Say what needs to change: the reason is sent to the plan's owner and editors."
    ]
    review_round = decide_review(
        plan=plan, user=reviewer, decision="changes_requested", reason="Price it."
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CHANGES_REQUESTED
    assert (review_round.decision, review_round.decided_by, review_round.reason) == (
        ReviewRound.Decision.CHANGES_REQUESTED,
        reviewer,
        "Price it.",
    )
    save_answer(plan=plan, question=question, raw_value="Priced.", base_revision=0, user=owner)


def test_resubmitting_opens_round_two_and_approval_locks_for_good(plan, owner, reviewer, question):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="More.")
    second = submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert second.number == 2
    decide_review(plan=plan, user=reviewer, decision="approved")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    assert [r.decision for r in plan.review_rounds.order_by("number")] == [
        "changes_requested",
        "approved",
    ]
    with pytest.raises(AnswersLocked, match="This plan is approved: its answers are locked."):
        save_answer(plan=plan, question=question, raw_value="x", base_revision=0, user=owner)


def test_deciding_on_a_plan_not_in_review_is_refused(plan, reviewer):
    with pytest.raises(ValidationError, match="not in review any more: it is draft"):
        decide_review(plan=plan, user=reviewer, decision="approved")


def test_locked_autosave_says_why_and_changes_nothing(client, plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(owner)
    response = client.post(
        reverse(
            "plans:autosave_answer",
            kwargs={
                "plan_id": plan.pk,
                "phase_slug": "strategic-planning",
                "question_key": "business_case",
            },
        ),
        {"business_case": "Sneaky.", "business_case__revision": "0"},
    )
    assert "Not saved: This plan is in review: its answers are locked" in response.content.decode()
    assert not Answer.objects.exists()
    page = client.get(
        reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": "strategic-planning"})
    ).content.decode()
    assert "This plan is in review: its answers are locked until a reviewer" in page
    assert "Save answers" not in page


def test_submit_page_lists_the_missing_questions_and_asks_to_confirm(client, plan, owner):
    client.force_login(owner)
    url = reverse("plans:submit", kwargs={"plan_id": plan.pk})
    page = client.get(url).content.decode()
    assert "37 required questions are still unanswered:" in page
    response = client.post(url, {"note": "First go."})
    assert (
        "Tick this box to submit with 37 required questions unanswered, or answer them first."
        in response.content.decode()
    )
    response = client.post(url, {"note": "First go.", "confirm_incomplete": "on"})
    assert response.status_code == 302
    assert plan.review_rounds.get().note == "First go."


def test_reviewer_decides_from_the_dashboard(client, plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    url = reverse("plans:decide", kwargs={"plan_id": plan.pk})
    response = client.post(url, {"decision": "changes_requested", "reason": ""})
    assert response.status_code == 400
    assert "Say what needs to change" in response.content.decode()
    response = client.post(url, {"decision": "approved"}, follow=True)
    assert "Approved: the owner and editors are notified." in response.content.decode()


@pytest.mark.parametrize("persona", ["owner", "editor", "viewer"])
def test_only_reviewers_decide(client, plan, owner, persona, request):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("plans:decide", kwargs={"plan_id": plan.pk}), {"decision": "approved"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_REVIEW


def test_awaiting_my_review_lists_plans_in_review_with_their_round(
    client, plan, owner, reviewer, template_version, django_assert_num_queries
):
    others = [
        PlanFactory(title=f"Plan {n}", created_by=owner, template_version=template_version)
        for n in range(2)
    ]
    for other in others:
        add_member(other, reviewer, PlanMembership.Role.REVIEWER)
    for in_review in [plan, *others]:
        submit_for_review(plan=in_review, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    with django_assert_num_queries(5):
        content = client.get(reverse("plans:review_queue")).content.decode()
    for title in ["Data Privacy Fundamentals", "Plan 0", "Plan 1"]:
        assert title in content
    assert content.count("Olivia Owner") == 3
    client.force_login(owner)
    assert (
        "No plan is waiting for your review."
        in client.get(reverse("plans:review_queue")).content.decode()
    )
