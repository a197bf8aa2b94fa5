from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format

from .defaults import DEFAULT_TEMPLATE_RELEASE, default_template_document
from .kinds import clean_value
from .models import Answer, Phase, Question, TemplateVersion
from .rules import condition_answers


class AnswerConflict(Exception):
    """The answer changed since the revision the user started from."""

    def __init__(self, answer):
        self.answer = answer
        if answer is None:
            message = "This answer changed since you opened the page. Reload the page."
        else:
            author = answer.updated_by
            who = (author.get_full_name() or author.username) if author else "someone else"
            when = date_format(timezone.localtime(answer.updated_at), "j M Y, H:i")
            message = (
                f"{who} changed this answer at {when}. Reload the page to see "
                "their version (copy your text first so that it is not lost)."
            )
        super().__init__(message)


class AnswersLocked(Exception):
    """The plan's answers cannot change in its current status (e.g. in review)."""


@dataclass(frozen=True)
class AnswerSaveResult:
    answer: Answer | None
    changed: bool


def save_answer(
    *, plan, question: Question, raw_value, base_revision: int, user
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
        current_plan = type(plan).objects.select_for_update().only("status").get(pk=plan.pk)
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
        answer._history_user = user
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError:
            # Someone created this answer between our read and our insert.
            raise AnswerConflict(
                Answer.objects.select_related("updated_by").get(plan=plan, question=question)
            ) from None
        type(plan).objects.filter(pk=plan.pk).update(updated_at=now)
    return AnswerSaveResult(answer=answer, changed=True)


def _create_questions(*, version, phase, items, parent=None, counter, conditions):
    for item in items:
        counter[0] += 1
        question = Question.objects.create(
            version=version,
            phase=phase,
            parent=parent,
            key=item["key"],
            order=counter[0],
            text=item["text"].strip(),
            help_text=(item.get("help_text") or "").strip(),
            kind=item.get("kind", Question.Kind.LONG_TEXT),
            choices=list(item.get("choices", [])),
            allow_other=item.get("allow_other", False),
            required=item.get("required", False),
            explanation_required=item.get("explanation_required", False),
            is_reflection=item.get("reflection", False),
            record_type=item.get("record_type", ""),
        )
        if item.get("show_if"):
            conditions.append((question, item["show_if"]))
        _create_questions(
            version=version,
            phase=phase,
            items=item.get("children", []),
            parent=question,
            counter=counter,
            conditions=conditions,
        )


@transaction.atomic
def create_template_version(
    *, document: dict, status: str, notes: str = "", default_release: int | None = None
) -> TemplateVersion:
    """Create a template version with its phases and questions from a template document
    (the shape of `default_template_document()`; see documents.py)."""
    version = TemplateVersion.objects.create(
        number=document["number"],
        name=document["name"].strip(),
        status=status,
        notes=notes,
        default_release=default_release,
        published_at=timezone.now() if status == TemplateVersion.Status.PUBLISHED else None,
    )
    conditions = []
    for order, phase_data in enumerate(document["phases"], start=1):
        phase = Phase.objects.create(
            version=version,
            slug=phase_data["slug"],
            order=order,
            title=phase_data["title"],
            intro=(phase_data.get("intro") or "").strip(),
        )
        _create_questions(
            version=version,
            phase=phase,
            items=phase_data["questions"],
            counter=[0],
            conditions=conditions,
        )
    keys = dict(Question.objects.filter(version=version).values_list("key", "pk"))
    for question, condition in conditions:
        question.show_if_question_id = keys[condition["question"]]
        question.show_if_values = condition_answers(condition["in"])
    Question.objects.bulk_update(
        [question for question, _ in conditions], ["show_if_question", "show_if_values"]
    )
    return version


def load_default_template() -> TemplateVersion:
    """The version holding the current release of the default questions (see
    defaults.py), loaded from the phase apps' files if this database does not have it
    yet. Safe to run again: a loaded release is returned as it is.

    A new release is published, so that new plans start on it, and the version published
    before is retired; plans keep their version until their owners move them. It takes
    the release's number when no version has it or a higher one, else the next free one.
    When template admins have published a version of their own, the release is loaded as
    a draft for them to review instead, and their version stays the one new plans start
    on."""
    release = DEFAULT_TEMPLATE_RELEASE
    existing = TemplateVersion.objects.filter(default_release=release).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        published = (
            TemplateVersion.objects.select_for_update()
            .filter(status=TemplateVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        highest = TemplateVersion.objects.aggregate(highest=Max("number"))["highest"] or 0
        if published is None or published.default_release is not None:
            status = TemplateVersion.Status.PUBLISHED
            notes = f"Default questions, release {release}."
            TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED).update(
                status=TemplateVersion.Status.RETIRED
            )
        else:
            status = TemplateVersion.Status.DRAFT
            notes = (
                f"Default questions, release {release}, loaded as a draft because version "
                f"{published.number} was published here: publish this draft to start new "
                "plans on the default questions."
            )
        return create_template_version(
            document={**default_template_document(), "number": max(release, highest + 1)},
            status=status,
            notes=notes,
            default_release=release,
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
    def revision(self) -> int | None:
        if self.result is None or self.result.answer is None:
            return None
        return self.result.answer.revision


def save_answers(*, plan, submissions: list[AnswerSubmission], user) -> list[AnswerOutcome]:
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
