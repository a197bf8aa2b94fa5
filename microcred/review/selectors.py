"""What the review pages read: the plans awaiting a reviewer, and what changed in a plan
since the round a review compares with."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Max

from microcred.plans.models import Answer, Plan, PlanMembership, ReviewRound
from microcred.plans.permissions import NO_ELIGIBLE_REVIEWER
from microcred.plans.reviewers import reviewer_refusal
from microcred.plans.selectors import word_diff
from microcred.questionnaires.kinds import display_value
from microcred.questionnaires.models import Question
from microcred.questionnaires.selectors import flatten, numbered_items
from microcred.records.history import RowChange, row_changes_since

NO_REVIEWER = "This plan has no committee reviewer yet: add one on the Members page first."


def awaiting_review(user: User) -> list[tuple[Plan, User | None, ReviewRound | None]]:
    """Plans in review on which the user is a committee reviewer, with their open round."""
    plans = list(
        Plan.objects.filter(
            status=Plan.Status.IN_REVIEW,
            memberships__user=user,
            memberships__role=PlanMembership.Role.REVIEWER,
        )
        .select_related("created_by", "organization")
        .annotate(round_number=Max("review_rounds__number"))
        .order_by("updated_at")
    )
    rounds = {
        (r.plan_id, r.number): r
        for r in ReviewRound.objects.filter(plan__in=plans).select_related("submitted_by")
    }
    owners = {
        m.plan_id: m.user
        for m in PlanMembership.objects.filter(
            plan__in=plans, role=PlanMembership.Role.OWNER
        ).select_related("user")
    }
    return [(plan, owners.get(plan.pk), rounds.get((plan.pk, plan.round_number))) for plan in plans]


@dataclass
class AnswerChange:
    question: Question
    number: str  # as the phase page numbers the question: "3.4.1" ("" for a reflection)
    before: str
    after: str
    changed_by: User | None
    changed_at: datetime.datetime
    # For a record-set question: its rows added, changed and removed.
    rows: list[RowChange] = field(default_factory=list)

    @property
    def diff(self) -> list[tuple[str, str]]:
        return word_diff(self.before, self.after)


def changes_since(plan: Plan, since: datetime.datetime) -> list[AnswerChange]:
    """Each answer of the plan's current version changed after `since`: its value then
    and now, with who changed it last and when, and its question numbered as on the
    phase page, in reading order. Three queries, and the history of each table changed
    since."""
    histories = _histories_changed_since(plan, since)
    questions = {question.pk: question for question in _version_questions(plan)}
    numbers = _question_numbers(questions.values())
    changes = _table_changes(plan=plan, since=since, questions=questions, numbers=numbers)
    changes += _value_changes(histories, since=since, questions=questions, numbers=numbers)
    return sorted(changes, key=lambda c: (c.question.phase.order, c.question.order))


def _histories_changed_since(plan: Plan, since: datetime.datetime) -> list[list[Any]]:
    """The history records of each answer of the plan's current version, oldest first,
    for the answers last changed after `since`. (Any: django-simple-history's records
    are untyped.)"""
    history = (
        # By answer id, so that records from before a move to a newer template count too.
        Answer.history.filter(
            id__in=Answer.objects.filter(
                plan=plan, question__version_id=plan.template_version_id
            ).values("id")
        )
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    records: dict[int, list[Any]] = {}
    for record in history:
        records.setdefault(record.id, []).append(record)
    return [versions for versions in records.values() if versions[-1].history_date > since]


def _version_questions(plan: Plan) -> list[Question]:
    """The questions of the plan's current version, in reading order."""
    return list(
        Question.objects.filter(version_id=plan.template_version_id)
        .select_related("phase")
        .order_by("phase__order", "order")
    )


def _question_numbers(questions: Iterable[Question]) -> dict[int, str]:
    """Each question's number by its id, as its phase page numbers it."""
    # Numbered as a whole phase is, so that a change's number is the one reviewers cite.
    by_phase: dict[int, list[Question]] = {}
    for question in questions:
        by_phase.setdefault(question.phase_id, []).append(question)
    return {
        item.question.pk: item.number
        for phase_questions in by_phase.values()
        for item in flatten(numbered_items(phase_questions))
    }


def _table_changes(
    *,
    plan: Plan,
    since: datetime.datetime,
    questions: dict[int, Question],
    numbers: dict[int, str],
) -> list[AnswerChange]:
    """The record-set questions whose rows were added, changed or removed after `since`."""
    # Tables whose last change (kept on their answer) is after `since`: only those are read.
    tables_changed = set(
        Answer.objects.filter(
            plan=plan, question__version_id=plan.template_version_id, updated_at__gt=since
        )
        .exclude(question__record_type="")
        .values_list("question_id", flat=True)
    )
    changes = []
    for question in questions.values():
        if question.pk in tables_changed:
            rows = row_changes_since(plan=plan, question=question, since=since)
            if rows:
                changes.append(
                    AnswerChange(
                        question=question,
                        number=numbers[question.pk],
                        before="",
                        after="",
                        changed_by=rows[-1].changed_by,
                        changed_at=rows[-1].changed_at,
                        rows=rows,
                    )
                )
    return changes


def _value_changes(
    histories: list[list[Any]],
    *,
    since: datetime.datetime,
    questions: dict[int, Question],
    numbers: dict[int, str],
) -> list[AnswerChange]:
    """The answers other than tables whose shown value differs from the one at `since`."""
    changes = []
    for versions in histories:
        earlier = [v for v in versions if v.history_date <= since]
        latest = versions[-1]
        question = questions[latest.question_id]
        if question.kind == Question.Kind.RECORD_SET:
            continue  # its rows tell what changed, not their number
        before = display_value(question, earlier[-1].value) if earlier else ""
        after = display_value(question, latest.value)
        if before != after:
            changes.append(
                AnswerChange(
                    question=question,
                    number=numbers[question.pk],
                    before=before,
                    after=after,
                    changed_by=latest.history_user,
                    changed_at=latest.history_date,
                )
            )
    return changes


def comparison_round(plan: Plan) -> ReviewRound | None:
    """The review round whose opening the "changes since the last review" page compares
    with: while a plan is in review, the round before the open one; otherwise the last."""
    rounds = plan.review_rounds.order_by("-number")
    if plan.status == Plan.Status.IN_REVIEW:
        return rounds[1:2].first()
    return rounds.first()


def plan_reviewers(*, plan: Plan) -> list[User]:
    """The plan's committee reviewers, by name."""
    return [
        membership.user
        for membership in plan.memberships.filter(role=PlanMembership.Role.REVIEWER)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    ]


def missing_reviewer(*, plan: Plan, reviewers: list[User]) -> str:
    """Why the plan cannot be submitted for want of a reviewer who may decide on it ("" when
    one may): it has none, or none of them is in the committee and kept out of writing."""
    if not reviewers:
        return NO_REVIEWER
    # Reviewers cannot be changed during the review: a round where none of them may decide
    # would wait for a superuser.
    if all(reviewer_refusal(user=reviewer, plan=plan) for reviewer in reviewers):
        return NO_ELIGIBLE_REVIEWER
    return ""
