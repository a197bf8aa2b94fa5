"""Saving a plan's answers: each checked by its question's kind, refused while the plan
is locked or when someone else changed it meanwhile."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.utils import get_history_manager_for_model

from microcred.questionnaires.kinds import clean_value
from microcred.questionnaires.models import Question

from .models import Answer, Plan
from .signals import ANSWER_CHANGED, plan_event


def change_notice(changed, what: str) -> str:
    """Who last changed an answer or row, and when, in words: "Maya Patel changed this
    answer at 8 Dec 2026, 14:05." """
    author = changed.updated_by
    who = (author.get_full_name() or author.username) if author else "someone else"
    when = date_format(timezone.localtime(changed.updated_at), "j M Y, H:i")
    return f"{who} changed this {what} at {when}."


def changed_meanwhile(changed, what: str) -> str:
    """What a refused save on a page says about an answer or row someone else changed
    since: who, when, and what to do."""
    return (
        f"{change_notice(changed, what)} Reload the page to see their version (copy your "
        "text first so that it is not lost)."
    )


def note_change(instance: models.Model, *, user: User | None, reason: str | None = None) -> None:
    """Say who made the change (and why, when given) that the next save of `instance`
    records in its history: django-simple-history reads these attributes of the instance,
    which no model declares (hence the ignores)."""
    instance._history_user = user  # type: ignore[attr-defined]
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]


class AnswerConflict(Exception):
    """The answer changed since the revision the user started from."""

    def __init__(self, answer):
        self.answer = answer
        if answer is None:
            message = "This answer changed since you opened the page. Reload the page."
        else:
            message = changed_meanwhile(answer, "answer")
        super().__init__(message)


class AnswersLocked(Exception):
    """The plan's answers cannot change in its current status (e.g. in review)."""


@dataclass(frozen=True)
class AnswerSaveResult:
    answer: Answer | None
    changed: bool


# `stored` when the caller has not read the answer: save_answer reads it.
NOT_READ: Any = object()

# The statuses in which a plan's answers and rows cannot change (Plan.answers_lock_reason).
LOCKED_STATUSES = [status for status in Plan.Status if Plan(status=status).answers_lock_reason]


def stamp_plan_changed(plan: Plan, now) -> None:
    """Stamp the plan as changed now, unless its status forbids changes: AnswersLocked
    then. The stamp locks the plan's row until the transaction ends, which orders the
    change against a concurrent submission for review (whose new status a waiting stamp
    sees, and so refuses)."""
    if (
        not Plan.objects.filter(pk=plan.pk)
        .exclude(status__in=LOCKED_STATUSES)
        .update(updated_at=now)
    ):
        status = Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
        if status is None:
            raise AnswersLocked("This plan was deleted.")
        raise AnswersLocked(Plan(status=status).answers_lock_reason)
    plan_event.send(sender=Plan, plan=plan, event=ANSWER_CHANGED, subject=None)


def save_answer(
    *, plan: Plan, question: Question, raw_value, base_revision: int, user, stored=NOT_READ
) -> AnswerSaveResult:
    """Validate and store one answer.

    `base_revision` is the revision the user's edit started from (0 for a question not
    answered before). A save based on an older revision raises AnswerConflict instead of
    overwriting, unless it stores exactly what is already there. Raises ValidationError
    for a value its question's kind does not accept, and AnswersLocked while the plan's
    status forbids changes. `stored` is the answer as the caller read it in this request
    (None: there was none), so that it is not read twice: the write itself is made only if
    the answer is still at the revision read, so a change made meanwhile is refused.
    """
    if question.version_id != plan.template_version_id:
        raise ValueError(f"Question {question.key} is not part of this plan's template version.")
    value = clean_value(question, raw_value)
    if plan.answers_lock_reason:
        raise AnswersLocked(plan.answers_lock_reason)
    answer = (
        Answer.objects.filter(plan=plan, question=question).first()
        if stored is NOT_READ
        else stored
    )
    if (answer.value if answer else None) == value:
        return AnswerSaveResult(answer=answer, changed=False)
    if base_revision != (answer.revision if answer else 0):
        raise AnswerConflict(answer)
    now = timezone.now()
    with transaction.atomic():
        stamp_plan_changed(plan, now)
        if answer is None:
            answer = _add_answer(plan=plan, question=question, value=value, user=user, now=now)
        else:
            _change_answer(answer, value=value, user=user, now=now)
    # An answer may decide which questions apply: what this request knew of them is stale.
    plan.__dict__.pop("_hidden_questions", None)
    return AnswerSaveResult(answer=answer, changed=True)


def _add_answer(*, plan: Plan, question: Question, value, user, now) -> Answer:
    answer = Answer(
        plan=plan, question=question, value=value, revision=1, updated_by=user, updated_at=now
    )
    note_change(answer, user=user)
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError:
        # Someone created this answer since it was read.
        raise AnswerConflict(
            Answer.objects.select_related("updated_by").get(plan=plan, question=question)
        ) from None
    return answer


@cache
def history_manager(model: type[models.Model]) -> Any:  # simple_history's, untyped
    # Read once: django-simple-history makes a new manager class at each `model.history`.
    return get_history_manager_for_model(model)


def _change_answer(answer: Answer, *, value, user, now) -> None:
    """The answer's next revision, written only if it is still at the revision read
    (one UPDATE, no lock taken beforehand), and its history row (an UPDATE sends no
    signal for django-simple-history to write it)."""
    changed = Answer.objects.filter(pk=answer.pk, revision=answer.revision).update(
        value=value, revision=answer.revision + 1, updated_by=user, updated_at=now
    )
    if not changed:
        current = Answer.objects.select_related("updated_by").filter(pk=answer.pk).first()
        raise AnswerConflict(current)
    answer.value = value
    answer.revision += 1
    answer.updated_by = user
    answer.updated_at = now
    history_manager(Answer).bulk_history_create(
        [answer], update=True, default_user=user, default_date=now, default_change_reason=None
    )


@dataclass(frozen=True)
class AnswerSubmission:
    question: Question
    raw_value: object
    base_revision: int


@dataclass(frozen=True)
class AnswerOutcome:
    """What became of one submitted answer: saved, unchanged, or refused with a reason."""

    question: Question
    result: AnswerSaveResult | None = None
    error: str = ""

    @property
    def saved(self) -> bool:
        return self.result is not None and self.result.changed

    @property
    def is_answered(self) -> bool:
        """Whether the question has an answer after this save."""
        answer = self.result.answer if self.result else None
        return answer is not None and answer.is_answered

    @property
    def revision(self) -> int | None:
        if self.result is None or self.result.answer is None:
            return None
        return self.result.answer.revision


def save_answers(
    *,
    plan: Plan,
    submissions: list[AnswerSubmission],
    user,
    stored: Mapping[int, Answer | None] | None = None,
) -> list[AnswerOutcome]:
    """Save each submitted answer on its own: a refused one (invalid, or changed by
    someone else) does not stop the others, and is reported with its reason. `stored`:
    the answers the caller read in this request, by question id (see save_answer)."""
    stored = stored or {}
    outcomes = []
    for submission in submissions:
        try:
            result = save_answer(
                plan=plan,
                question=submission.question,
                raw_value=submission.raw_value,
                base_revision=submission.base_revision,
                user=user,
                stored=stored.get(submission.question.pk, NOT_READ),
            )
        except ValidationError as error:
            outcomes.append(
                AnswerOutcome(question=submission.question, error=" ".join(error.messages))
            )
        except (AnswerConflict, AnswersLocked) as refusal:
            outcomes.append(AnswerOutcome(question=submission.question, error=str(refusal)))
        else:
            outcomes.append(AnswerOutcome(question=submission.question, result=result))
    return outcomes
