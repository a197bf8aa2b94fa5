"""The review workflow: submitting a plan, a reviewer's decision, and reopening an
approved plan for revision."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from microcred.plans.activity import record_activity
from microcred.plans.models import Plan, PlanActivity, ReviewRound
from microcred.plans.outbox import notify_on_commit
from microcred.plans.permissions import (
    NOT_A_DECIDING_REVIEWER,
    ONLY_OWNER_REOPENS,
    SUBMITTABLE,
    plan_access,
    status_phrase,
)
from microcred.plans.readiness import ReadinessProblem, readiness_problem_count
from microcred.plans.readiness_checks import readiness_by_phase, readiness_problems
from microcred.plans.services import display_name
from microcred.plans.signals import REOPENED, SUBMITTED, plan_event

from .selectors import missing_reviewer, plan_reviewers

CHANGES_NEED_A_REASON = (
    "Say what needs to change: the reason is sent to the plan's owner and editors."
)


class IncompletePlan(Exception):
    """The plan has readiness problems (readiness_by_phase: unanswered required questions,
    failing checks) and the owner has not confirmed submitting anyway."""

    def __init__(self, problems: Iterable[ReadinessProblem]) -> None:
        self.problems = list(problems)
        super().__init__(f"The plan has {readiness_problem_count(len(self.problems))}.")


@transaction.atomic
def submit_for_review(
    *, plan: Plan, user: User, note: str = "", confirm_incomplete: bool = False
) -> ReviewRound:
    """Send the plan to its committee reviewers, opening a new review round; its answers
    are locked until a reviewer decides."""
    reviewer_missing = missing_reviewer(plan=plan, reviewers=plan_reviewers(plan=plan))
    if reviewer_missing:
        raise ValidationError(reviewer_missing)
    problems = readiness_problems(readiness_by_phase(plan))
    if problems and not confirm_incomplete:
        raise IncompletePlan(problems)
    now = timezone.now()
    submitted = Plan.objects.filter(pk=plan.pk, status__in=SUBMITTABLE).update(
        status=Plan.Status.IN_REVIEW, updated_at=now
    )
    if not submitted:
        plan.refresh_from_db(fields=["status"])
        raise ValidationError(f"This plan cannot be submitted now: it is {status_phrase(plan)}.")
    last = plan.review_rounds.aggregate(last=Max("number"))["last"] or 0
    review_round = ReviewRound.objects.create(
        plan=plan, number=last + 1, submitted_by=user, submitted_at=now, note=note.strip()
    )
    plan.status = Plan.Status.IN_REVIEW
    record_activity(
        plan=plan,
        actor=user,
        verb=PlanActivity.Verb.SUBMITTED,
        summary=f"{display_name(user)} submitted round {review_round.number} for review",
    )
    notify_on_commit("submitted", review_round.pk)
    plan_event.send(sender=Plan, plan=plan, event=SUBMITTED, subject=review_round)
    return review_round


@transaction.atomic
def decide_review(*, plan: Plan, user: User, decision: str, reason: str = "") -> ReviewRound:
    """A reviewer's decision on the open round: request changes (with a reason, which
    unlocks the answers for the owner and editors) or approve. Only a committee member
    among the plan's reviewers who wrote nothing in it may decide (PermissionDenied
    otherwise), so that nobody approves their own plan."""
    access = plan_access(user=user, plan=plan, deciding=True)
    refusal = access.reviewer_refusal if access else NOT_A_DECIDING_REVIEWER
    if refusal:
        raise PermissionDenied(refusal)
    reason = reason.strip()
    if decision not in ReviewRound.Decision.values:
        raise ValidationError("Choose “Request changes” or “Approve”.")
    if decision == ReviewRound.Decision.CHANGES_REQUESTED and not reason:
        raise ValidationError(CHANGES_NEED_A_REASON)
    new_status = (
        Plan.Status.APPROVED
        if decision == ReviewRound.Decision.APPROVED
        else Plan.Status.CHANGES_REQUESTED
    )
    now = timezone.now()
    decided = Plan.objects.filter(pk=plan.pk, status=Plan.Status.IN_REVIEW).update(
        status=new_status, updated_at=now
    )
    if not decided:
        plan.refresh_from_db(fields=["status"])
        raise ValidationError(f"This plan is not in review any more: it is {status_phrase(plan)}.")
    review_round = plan.review_rounds.select_for_update().filter(decision="").latest("number")
    review_round.decision = decision
    review_round.decided_by = user
    review_round.decided_at = now
    review_round.reason = reason
    review_round.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    plan.status = new_status
    record_activity(
        plan=plan,
        actor=user,
        verb=decision,
        summary=f"{display_name(user)} "
        + (
            f"approved round {review_round.number}"
            if decision == ReviewRound.Decision.APPROVED
            else f"requested changes in round {review_round.number}"
        ),
    )
    notify_on_commit(decision, review_round.pk)
    plan_event.send(sender=Plan, plan=plan, event=f"plan.{decision}", subject=review_round)
    return review_round


@transaction.atomic
def reopen_plan(*, plan: Plan, user: User) -> ReviewRound:
    """Take an approved plan back to draft so that its answers can change again, on its
    owner's word (PermissionDenied for anyone else). The approved round stays in the
    history, marked as reopened; the next submission opens a new round."""
    access = plan_access(user=user, plan=plan)
    if not (access and access.is_owner):
        raise PermissionDenied(ONLY_OWNER_REOPENS)
    now = timezone.now()
    reopened = Plan.objects.filter(pk=plan.pk, status=Plan.Status.APPROVED).update(
        status=Plan.Status.DRAFT, updated_at=now
    )
    if not reopened:
        plan.refresh_from_db(fields=["status"])
        raise ValidationError(access.reopen_refusal)
    approved_round = plan.review_rounds.select_for_update().latest("number")
    approved_round.reopened_by = user
    approved_round.reopened_at = now
    approved_round.save(update_fields=["reopened_by", "reopened_at"])
    plan.status = Plan.Status.DRAFT
    record_activity(
        plan=plan,
        actor=user,
        verb=PlanActivity.Verb.REOPENED,
        summary=f"{display_name(user)} reopened the plan for revision after round "
        f"{approved_round.number}'s approval",
    )
    plan_event.send(sender=Plan, plan=plan, event=REOPENED, subject=approved_round)
    return approved_round
