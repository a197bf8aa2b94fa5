"""Saving a plan's answers: each checked by its question's kind, refused while the plan
is locked or when someone else changed it meanwhile."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from microcred.questionnaires.kinds import clean_value
from microcred.questionnaires.models import Question

from .models import Answer, Plan


def changed_meanwhile(changed, what: str) -> str:
    """What a refused save says about an answer or row someone else changed since: who,
    and when."""
    author = changed.updated_by
    who = (author.get_full_name() or author.username) if author else "someone else"
    when = date_format(timezone.localtime(changed.updated_at), "j M Y, H:i")
    return (
        f"{who} changed this {what} at {when}. Reload the page to see their version (copy "
        "your text first so that it is not lost)."
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


def save_answer(
    *, plan: Plan, question: Question, raw_value, base_revision: int, user
) -> AnswerSaveResult:
    """Validate and store one answer.

    `base_revision` is the revision the user's edit started from (0 for a question not
    answered before). A save based on an older revision raises AnswerConflict instead of
    overwriting, unless it stores exactly what is already there. Raises ValidationError
    for a value its question's kind does not accept, and AnswersLocked while the plan's
    status forbids changes.
    """
    if question.version_id != plan.template_version_id:
        raise ValueError(f"Question {question.key} is not part of this plan's template version.")
    value = clean_value(question, raw_value)
    with transaction.atomic():
        # Locking the plan row orders this save against a concurrent submission for review.
        current_plan = Plan.objects.select_for_update().only("status").get(pk=plan.pk)
        if current_plan.answers_lock_reason:
            raise AnswersLocked(current_plan.answers_lock_reason)
        answer = Answer.objects.select_for_update().filter(plan=plan, question=question).first()
        if answer is not None and answer.value == value:
            return AnswerSaveResult(answer=answer, changed=False)
        if answer is None and value is None:
            return AnswerSaveResult(answer=None, changed=False)
        current_revision = answer.revision if answer else 0
        if base_revision != current_revision:
            raise AnswerConflict(answer)
        now = timezone.now()
        if answer is None:
            answer = Answer(plan=plan, question=question)
        answer.value = value
        answer.revision = current_revision + 1
        answer.updated_by = user
        answer.updated_at = now
        note_change(answer, user=user)
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError:
            # Someone created this answer between our read and our insert.
            raise AnswerConflict(
                Answer.objects.select_related("updated_by").get(plan=plan, question=question)
            ) from None
        Plan.objects.filter(pk=plan.pk).update(updated_at=now)
    # An answer may decide which questions apply: what this request knew of them is stale.
    plan.__dict__.pop("_hidden_questions", None)
    return AnswerSaveResult(answer=answer, changed=True)


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
    def revision(self) -> int | None:
        if self.result is None or self.result.answer is None:
            return None
        return self.result.answer.revision


def save_answers(*, plan: Plan, submissions: list[AnswerSubmission], user) -> list[AnswerOutcome]:
    """Save each submitted answer on its own: a refused one (invalid, or changed by
    someone else) does not stop the others, and is reported with its reason."""
    outcomes = []
    for submission in submissions:
        try:
            result = save_answer(
                plan=plan,
                question=submission.question,
                raw_value=submission.raw_value,
                base_revision=submission.base_revision,
                user=user,
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
