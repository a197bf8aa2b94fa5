from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from microcred.comments.services import add_comment, set_thread_resolved
from microcred.demo.services import load_demo_records
from microcred.plans import readiness_checks
from microcred.plans.answers import AnswersLocked, save_answer
from microcred.plans.models import Answer, Comment, Plan, PlanMembership, ReviewRound
from microcred.plans.permissions import ONLY_OWNER_REOPENS
from microcred.plans.readiness import ReadinessProblem
from microcred.plans.readiness_checks import readiness_by_phase, readiness_problems
from microcred.plans.selectors import unanswered_required_questions
from microcred.questionnaires.models import Question
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.reports.models import ReportExport
from microcred.review import views
from microcred.review.selectors import comparison_round
from microcred.review.services import (
    CHANGES_NEED_A_REASON,
    IncompletePlan,
    decide_review,
    reopen_plan,
    submit_for_review,
)
from tests.factories import PlanFactory, add_member

pytestmark = pytest.mark.django_db


def test_submitting_with_unanswered_required_questions_needs_confirmation(plan, owner):
    with pytest.raises(IncompletePlan) as incomplete:
        submit_for_review(plan=plan, user=owner)
    # One per phase for its required questions left, and two failing checks.
    assert str(incomplete.value) == "The plan has 8 readiness problems."
    assert incomplete.value.problems == readiness_problems(readiness_by_phase(plan))
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


def test_resubmitting_opens_round_two_and_approval_locks_the_answers(
    plan, owner, reviewer, question
):
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
    with pytest.raises(ValidationError, match="not in review any more: it is still a draft."):
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
    url = reverse("review:submit", kwargs={"plan_id": plan.pk})
    page = client.get(url).content.decode()
    assert (
        "<strong>8 readiness problems</strong> in 6 phases; each links to where it is fixed."
        in page
    )
    assert (
        f'<a href="/plans/{plan.pk}/phases/strategic-planning/#q-business_case">Answer the 7 '
        "required questions left, starting with “What is the business case?”.</a>" in page
    )
    assert "Submit even though the plan has 8 readiness problems" in page
    response = client.post(url, {"note": "First go."})
    assert (
        "Tick this box to submit with 8 readiness problems, or fix them first."
        in response.content.decode()
    )
    response = client.post(url, {"note": "First go.", "confirm_incomplete": "on"})
    assert response.status_code == 302
    assert plan.review_rounds.get().note == "First go."


def test_a_note_to_the_reviewers_with_a_control_character_is_refused(client, plan, owner):
    client.force_login(owner)
    url = reverse("review:submit", kwargs={"plan_id": plan.pk})
    response = client.post(url, {"note": "First\x1b go.", "confirm_incomplete": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == [
        "The note contains the control character U+001B (ESC) at position 6: remove it and "
        "try again."
    ]
    assert not plan.review_rounds.exists()


def test_reviewer_confirms_on_the_decision_page_and_changes_need_a_reason(
    client, plan, owner, reviewer
):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    url = reverse("review:decide", kwargs={"plan_id": plan.pk})
    response = client.post(url, {"decision": "changes_requested", "reason": " "})
    assert response.status_code == 400
    assert escape(CHANGES_NEED_A_REASON) in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.IN_REVIEW
    response = client.post(url, {"decision": "approved"}, follow=True)
    assert "Approved: the owner and editors are notified." in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED


@pytest.mark.parametrize("persona", ["owner", "editor", "viewer"])
def test_only_reviewers_decide(client, plan, owner, persona, request):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("review:decide", kwargs={"plan_id": plan.pk}), {"decision": "approved"}
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
    # One more for the navigation's question whether the user reviews.
    with django_assert_num_queries(6):
        content = client.get(reverse("review:review_queue")).content.decode()
    for title in ["Data Privacy Fundamentals", "Plan 0", "Plan 1"]:
        assert title in content
    assert content.count("Olivia Owner") == 3
    client.force_login(owner)
    assert (
        "No plan is waiting for your review."
        in client.get(reverse("review:review_queue")).content.decode()
    )


def decide_url(plan, decision=""):
    url = reverse("review:decide", kwargs={"plan_id": plan.pk})
    return f"{url}?decision={decision}" if decision else url


def day(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


def approve(plan, owner, reviewer, **submit):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True, **submit)
    return decide_review(plan=plan, user=reviewer, decision="approved")


# The decision page: what is still open on the plan, then the reviewer's confirmation.


def test_the_decision_page_lists_what_is_open_before_approving(
    client, plan, owner, reviewer, question, django_assert_num_queries
):
    for n in range(3):
        add_comment(
            plan=plan, user=reviewer, body=f"Point {n}.", phase=question.phase, question=question
        )
    settled = add_comment(plan=plan, user=reviewer, body="Settled.", phase=question.phase)
    set_thread_resolved(plan=plan, thread_id=settled.pk, user=owner, resolved=True)
    submit_for_review(plan=plan, user=owner, note="Pricing is still open.", confirm_incomplete=True)
    client.force_login(reviewer)
    client.get(decide_url(plan, "approved"))  # readiness, worked out once per change
    with django_assert_num_queries(11):
        response = client.get(decide_url(plan, "approved"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h2">Approve “Data Privacy Fundamentals”</h1>' in content
    assert "Approving round 1 locks the plan’s answers and tells its owner and editors." in content
    assert "Round 1 was submitted on " in content and "by Olivia Owner." in content
    assert '<blockquote class="mb-0"><p>Pricing is still open.</p></blockquote>' in content
    assert (
        "<strong>8 readiness problems</strong> in 6 phases; each links to where it is fixed."
        in content
    )
    phase = reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": "strategic-planning"})
    assert f'href="{phase}#q-business_case"' in content
    assert f'href="{phase}#q-price_tiers"' in content  # no price tier yet
    assert "3 open comment threads</h3>" in content
    assert "Rosa Reviewer: Point 2." in content and "Settled." not in content
    comments = reverse("comments:plan_comments", kwargs={"plan_id": plan.pk})
    assert f'<a href="{comments}">The open threads on the Comments page</a>' in content
    assert '<input type="hidden" name="decision" value="approved"' in content
    assert "Note to the owner and editors (optional)" in content
    assert '<button type="submit" class="btn btn-success">Approve</button>' in content


def test_the_decision_page_links_to_all_threads_when_it_shows_only_some(
    client, plan, owner, reviewer, question
):
    Comment.objects.bulk_create(
        Comment(plan=plan, phase=question.phase, author=reviewer, body=f"Thread {n}.")
        for n in range(views.OPEN_THREADS_SHOWN + 2)
    )
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    content = client.get(decide_url(plan, "changes_requested")).content.decode()
    assert "12 open comment threads</h3>" in content
    assert content.count("Rosa Reviewer: Thread") == 10
    assert "All 12 open threads on the Comments page</a>" in content


def test_the_decision_page_says_when_nothing_is_open_and_lists_readiness_problems(
    client, plan, owner, reviewer, monkeypatch
):
    Question.objects.filter(version=plan.template_version).update(required=False)
    load_demo_records(plan=plan, user=owner)  # tables filled as the checks want them
    submit_for_review(plan=plan, user=owner)
    client.force_login(reviewer)
    content = client.get(decide_url(plan, "approved")).content.decode()
    assert "Nothing is open: the plan is ready and no comment thread is open." in content
    assert "There is no note to the reviewers." in content
    problem = ReadinessProblem(
        phase="strategic-planning", message="Add at least one price tier.", question_key="tiers"
    )
    monkeypatch.setattr(
        readiness_checks, "cached_plan_readiness", lambda plan, facts=None: [problem]
    )
    content = client.get(decide_url(plan, "approved")).content.decode()
    assert "Nothing is open" not in content
    assert "<strong>1 readiness problem</strong> in 1 phase;" in content
    assert (
        f'<li><a href="/plans/{plan.pk}/phases/strategic-planning/#q-tiers">Add at least one '
        "price tier.</a></li>" in content
    )


def test_requesting_changes_on_the_decision_page_needs_a_reason(client, plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    content = client.get(decide_url(plan, "changes_requested")).content.decode()
    assert '<h1 class="h2">Request changes to “Data Privacy Fundamentals”</h1>' in content
    assert "their next submission opens round 2." in content
    assert 'What needs to change<span class="asteriskField">*</span>' in content
    response = client.post(decide_url(plan), {"decision": "changes_requested", "reason": ""})
    assert response.status_code == 400
    assert escape(CHANGES_NEED_A_REASON) in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.IN_REVIEW
    response = client.post(
        decide_url(plan), {"decision": "changes_requested", "reason": "Price it."}, follow=True
    )
    assert "Changes requested: the owner and editors are notified." in response.content.decode()
    assert plan.review_rounds.get().reason == "Price it."


def test_the_decision_page_refuses_an_unknown_decision(client, plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    for response in (
        client.get(decide_url(plan, "maybe")),
        client.post(decide_url(plan), {"decision": "maybe"}),
    ):
        assert response.status_code == 400
        assert response.content.decode() == "Choose “Request changes” or “Approve”."
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.IN_REVIEW


def test_the_reviewer_reads_the_note_on_the_dashboard_and_goes_to_the_decision_page(
    client, plan, owner, reviewer
):
    submit_for_review(plan=plan, user=owner, note="First go.\nBe kind.", confirm_incomplete=True)
    client.force_login(reviewer)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "Your decision on round 1</h2>" in content
    assert '<blockquote class="mb-0"><p>First go.<br>Be kind.</p></blockquote>' in content
    assert "Note to the reviewers: “First go.<br>Be kind.”" in content  # the round list
    assert f'href="{decide_url(plan, "changes_requested")}">Request changes</a>' in content
    assert f'href="{decide_url(plan, "approved")}">Approve</a>' in content


def test_a_reviewer_who_may_not_decide_sees_why(client, plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    reviewer.organization_memberships.all().delete()
    client.force_login(reviewer)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert (
        "<strong>You cannot decide on this plan.</strong> Only members of the committee of "
        "the plan&#x27;s organization can decide on it; ask one of its organization admins to "
        "add you to the committee."
    ) in content
    assert "Your decision" not in content
    response = client.get(decide_url(plan, "approved"))
    assert response.status_code == 403
    assert (
        "Only members of the committee of the plan&#x27;s organization can decide"
        in response.content.decode()
    )


# Reopening an approved plan for revision.


def test_reopening_makes_an_approved_plan_a_draft_and_keeps_the_approval(
    plan, owner, reviewer, question
):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved", reason="Well argued.")
    reopened = reopen_plan(plan=plan, user=owner)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert (reopened.number, reopened.decision, reopened.reason, reopened.reopened_by) == (
        1,
        ReviewRound.Decision.APPROVED,
        "Well argued.",
        owner,
    )
    assert reopened.reopened_at is not None
    save_answer(plan=plan, question=question, raw_value="Revised.", base_revision=0, user=owner)
    assert submit_for_review(plan=plan, user=owner, confirm_incomplete=True).number == 2
    # The reviewers compare with the approved round.
    assert comparison_round(plan).number == 1
    assert list(plan.review_rounds.values_list("number", "decision")) == [
        (1, "approved"),
        (2, ""),
    ]


@pytest.mark.parametrize("persona", ["editor", "viewer", "reviewer", "outsider"])
def test_only_the_owner_reopens(plan, owner, reviewer, persona, request):
    approve(plan, owner, reviewer)
    with pytest.raises(PermissionDenied) as refused:
        reopen_plan(plan=plan, user=request.getfixturevalue(persona))
    assert (
        str(refused.value)
        == ONLY_OWNER_REOPENS
        == ("Only the plan's owner can reopen it for revision.")
    )
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED
    assert plan.review_rounds.get().reopened_at is None


def test_a_plan_is_reopened_once_and_only_when_approved(plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(ValidationError) as refused:
        reopen_plan(plan=plan, user=owner)
    assert refused.value.messages == [
        "Only an approved plan can be reopened for revision; this one is in review."
    ]
    decide_review(plan=plan, user=reviewer, decision="approved")
    stale = Plan.objects.get(pk=plan.pk)  # read while approved, as a second tab would
    first = reopen_plan(plan=plan, user=owner)
    with pytest.raises(ValidationError) as refused:
        reopen_plan(plan=stale, user=owner)
    assert refused.value.messages == [
        "Only an approved plan can be reopened for revision; this one is still a draft."
    ]
    assert plan.review_rounds.get().reopened_at == first.reopened_at


def test_the_approved_dashboard_says_why_it_is_locked_and_what_comes_next(
    client, plan, owner, editor, reviewer, template_version
):
    publish_version(version=create_draft(source=template_version))
    decided = approve(plan, owner, reviewer)
    missing = len(unanswered_required_questions(plan))
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert (
        f"<strong>Approved</strong> on {day(decided.decided_at)} by Rosa Reviewer (round 1).\n"
        "    The answers are locked; you can reopen the plan for revision, which starts a new "
        "review round."
    ) in content
    assert f'href="/plans/{plan.pk}/reopen/">Reopen for revision…</a>' in content
    # The unanswered questions are named, not offered as links to answers that cannot change.
    assert (
        f"{missing} required questions have no answer. This plan is approved: its answers are "
        "locked."
    ) in content
    missing_list = content[content.index('id="missing-heading"') :]
    assert "#q-business_case" not in missing_list[: missing_list.index("</section>")]
    assert (
        "It is approved, so its answers are locked: reopen it for revision first (below), then "
        "move it"
    ) in content
    assert "once its answers can change again" not in content
    assert "Preview the move" not in content
    client.force_login(editor)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "The answers are locked; the owner can reopen the plan for revision" in content
    assert "Reopen for revision…</a>" not in content


def test_the_owner_reopens_from_the_dashboard_and_the_history_stays(
    client, plan, owner, reviewer, django_assert_num_queries
):
    submit_for_review(plan=plan, user=owner, note="Round one.", confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Price it.")
    approve(plan, owner, reviewer, note="Priced.")
    client.force_login(owner)
    response = client.post(reverse("review:reopen", kwargs={"plan_id": plan.pk}), follow=True)
    assert (
        "Reopened for revision: the answers can change again. Round 2&#x27;s approval stays in "
        "the review history; the next submission opens round 3."
    ) in response.content.decode()
    submit_for_review(plan=plan, user=owner, note="Third time.", confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    reopened = reopen_plan(plan=plan, user=owner)
    # Rendered, readiness included; the PDFs of its approvals take one query.
    with django_assert_num_queries(22):  # with the saved export options
        client.get(plan.get_absolute_url())
    with django_assert_num_queries(4):  # then from the cache
        content = client.get(plan.get_absolute_url()).content.decode()
    assert (
        f"<strong>Reopened for revision</strong> by Olivia Owner on {day(reopened.reopened_at)}, "
        "after round 3 was approved.\n  The answers can change again; the next submission opens "
        "round 4."
    ) in content
    assert "Resubmit for review</a>" in content
    rounds = content[content.index('id="rounds-heading"') :]
    for note in ("Round one.", "Priced.", "Third time."):
        assert f"Note to the reviewers: “{note}”" in rounds
    assert rounds.count("Reopened for revision by Olivia Owner on ") == 2
    assert "Changes requested by Rosa Reviewer" in rounds and "Price it." in rounds
    # Answers can be edited again: the missing questions are links once more.
    assert "#q-business_case" in content


@pytest.mark.parametrize("method", ["get", "post"])
def test_reopening_is_refused_to_others_and_to_plans_not_approved_with_a_way_back(
    client, plan, owner, editor, reviewer, method
):
    url = reverse("review:reopen", kwargs={"plan_id": plan.pk})
    client.force_login(owner)
    response = getattr(client, method)(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert (
        '<p id="refusal-reason">Only an approved plan can be reopened for revision; this one '
        "is still a draft.</p>"
    ) in page
    assert f'<a href="/plans/{plan.pk}/">Back to the plan</a><a href="/plans/">My plans</a>' in page
    approve(plan, owner, reviewer)
    client.force_login(editor)
    page = getattr(client, method)(url).content.decode()
    assert (
        '<p id="refusal-reason">Only the plan&#x27;s owner can reopen it for revision.</p>' in page
    )
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED


def test_the_owner_confirms_reopening_on_a_page_that_says_what_it_does(
    client, plan, owner, editor, reviewer
):
    decided = approve(plan, owner, reviewer)
    client.force_login(owner)
    url = reverse("review:reopen", kwargs={"plan_id": plan.pk})
    page = client.get(url).content.decode()
    assert '<h1 class="h2">Reopen “Data Privacy Fundamentals” for revision?</h1>' in page
    assert (
        f"The plan was approved in round 1 by Rosa Reviewer on {day(decided.decided_at)}. "
        "Reopening it:</p>"
    ) in page
    assert (
        "<li>makes it a draft again: it is no longer approved, and you and its editors can "
        "change the answers and tables;</li>\n"
        "  <li>keeps round 1’s approval in the review history, marked as reopened;</li>\n"
        "  <li>keeps its reviewer (Rosa Reviewer) on the plan; nobody is e-mailed now;</li>\n"
        "  <li>asks for a new approval: once you submit it again, round 2 opens and the "
        "reviewer must approve it again.</li>"
    ) in page
    assert '<button type="submit" class="btn btn-warning">Reopen for revision</button>' in page
    # Reading the page changes nothing.
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED
    response = client.post(url)
    assert response["Location"] == plan.get_absolute_url()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT


def test_the_changes_page_shows_the_note_of_the_round_under_review(
    client, plan, owner, reviewer, question
):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Update.")
    save_answer(plan=plan, question=question, raw_value="New plan.", base_revision=0, user=owner)
    submit_for_review(
        plan=plan, user=owner, note="Priced in 4.2, see <b>there</b>.", confirm_incomplete=True
    )
    url = reverse("review:changes", kwargs={"plan_id": plan.pk})
    client.force_login(reviewer)
    content = client.get(url).content.decode()
    assert "Round 2, under review</h2>" in content
    assert (
        '<blockquote class="mb-0"><p>Priced in 4.2, see &lt;b&gt;there&lt;/b&gt;.</p></blockquote>'
        in content
    )
    decide_review(plan=plan, user=reviewer, decision="approved")
    assert "under review" not in client.get(url).content.decode()


def test_the_approved_pdf_stays_offered_after_reopening(client, plan, owner, reviewer):
    decided = approve(plan, owner, reviewer)

    def made(status, changed_at):
        return ReportExport.objects.create(
            plan=plan,
            requested_by=owner,
            status=ReportExport.Status.DONE,
            plan_status=status,
            plan_changed_at=changed_at,
            finished_at=changed_at + timedelta(minutes=1),
        )

    made(Plan.Status.IN_REVIEW, decided.submitted_at)
    older = made(Plan.Status.APPROVED, decided.decided_at)
    newest = made(Plan.Status.APPROVED, decided.decided_at)
    link = (
        f'href="{newest.get_download_url()}">Approved version: PDF of '
        f"{timezone.localtime(newest.finished_at):%-d %b %Y, %H:%M}</a>"
    )
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert content.count(link) == 2  # the approval notice and the round list
    assert f'href="{older.get_download_url()}">Approved version' not in content
    reopened = reopen_plan(plan=plan, user=owner)
    made(Plan.Status.DRAFT, reopened.reopened_at)
    content = client.get(plan.get_absolute_url()).content.decode()
    rounds = content[content.index('id="rounds-heading"') :]
    assert content.count("Approved version: PDF of") == 1
    assert link in rounds
