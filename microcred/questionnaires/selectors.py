from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .kinds import clean_value, display_value
from .models import Answer, Question, TemplateVersion


@dataclass
class QuestionItem:
    """A question as a page or report shows it: numbered, nested, with its answer."""

    question: Question
    number: str
    depth: int
    answer: Answer | None = None
    children: list["QuestionItem"] = field(default_factory=list)
    # A record-set question's rows (a plans.records.RecordTable), where a page shows them.
    record_set: object = None
    # Why the question does not apply to the plan ("" when it does): see conditions.py.
    not_applicable: str = ""

    @property
    def value(self):
        return self.answer.value if self.answer else None

    @property
    def display(self) -> str:
        return display_value(self.question, self.value)


def numbered_items(questions, answers_by_question_id=None) -> list[QuestionItem]:
    """Questions (of one phase, in reading order) as items numbered by their nesting:
    1, 1.1, 1.1.1. The reflection question is not numbered."""
    answers_by_question_id = answers_by_question_id or {}
    items = {}
    roots = []
    for question in questions:
        parent = items.get(question.parent_id)
        siblings = parent.children if parent else roots
        numbered_siblings = [s for s in siblings if not s.question.is_reflection]
        position = str(len(numbered_siblings) + 1)
        item = QuestionItem(
            question=question,
            number=""
            if question.is_reflection
            else (f"{parent.number}.{position}" if parent else position),
            depth=parent.depth + 1 if parent else 0,
            answer=answers_by_question_id.get(question.id),
        )
        items[question.id] = item
        siblings.append(item)
    return roots


def flatten(items):
    for item in items:
        yield item
        yield from flatten(item.children)


def phase_questions_with_answers(*, plan, phase) -> list[QuestionItem]:
    questions = list(phase.questions.order_by("order"))
    answers = Answer.objects.filter(plan=plan, question__phase=phase).select_related("updated_by")
    return numbered_items(questions, {a.question_id: a for a in answers})


def newer_published_version(plan) -> TemplateVersion | None:
    """The version new plans start on, when it is newer than the plan's own."""
    if plan.template_version.status == TemplateVersion.Status.PUBLISHED:
        return None  # publishing retires every other version: the plan's is the latest
    return (
        TemplateVersion.objects.filter(
            status=TemplateVersion.Status.PUBLISHED, number__gt=plan.template_version.number
        )
        .order_by("-number")
        .first()
    )


def archived_answers(plan) -> list[QuestionItem]:
    """The plan's answers to questions that are not in its template version: those left
    behind when it moved to a newer version. Kept, read-only, oldest version first."""
    answers = (
        Answer.objects.filter(plan=plan, value__isnull=False)
        .exclude(question__version_id=plan.template_version_id)
        .select_related("question__phase__version", "updated_by")
        .order_by("question__version__number", "question__phase__order", "question__order")
    )
    return [QuestionItem(question=a.question, number="", depth=0, answer=a) for a in answers]


def version_context(plan, *, access=None) -> dict:
    """What a plan's pages show about template versions: the newer published version it
    could move to, whether the person whose `access` (their already-computed plan access)
    is given may move it (its owner may), and its archived answers.
    `plan.template_version` should be loaded with the plan."""
    newer_version = newer_published_version(plan)
    return {
        "newer_version": newer_version,
        "can_move_version": bool(newer_version and access and access.is_owner),
        "archived_answers": archived_answers(plan),
    }


@dataclass(frozen=True)
class CarriedAnswer:
    """An answer that follows its question key to the new version."""

    answer: Answer
    question: Question  # the question with the same key in the new version
    value: object  # the answer's value as the new question keeps it

    @property
    def reworded(self) -> bool:
        return self.answer.question.text != self.question.text


@dataclass(frozen=True)
class AnswerToArchive:
    """An answer that stays with its old question, and why."""

    answer: Answer
    reason: str

    @property
    def display(self) -> str:
        return display_value(self.answer.question, self.answer.value)


@dataclass(frozen=True)
class VersionMove:
    """What moving a plan to another template version does to its answers."""

    plan: object
    target: TemplateVersion
    carried: list[CarriedAnswer]  # every answer row that moves, answered or cleared
    archived: list[AnswerToArchive]  # answered only: a cleared answer has nothing to keep
    new_questions: list[Question]

    @property
    def carried_answers(self) -> list[CarriedAnswer]:
        return [carried for carried in self.carried if carried.answer.value is not None]

    @property
    def reworded(self) -> list[CarriedAnswer]:
        return [carried for carried in self.carried_answers if carried.reworded]

    @property
    def unchanged(self) -> list[CarriedAnswer]:
        return [carried for carried in self.carried_answers if not carried.reworded]


def version_move(*, plan, target: TemplateVersion) -> VersionMove:
    """What moving `plan` to `target` would do, in three queries: which answers carry
    over (same question key, and a value the new question accepts), which stay behind
    as archived answers, and which of target's questions are new to the plan."""
    answers = (
        Answer.objects.filter(plan=plan, question__version_id=plan.template_version_id)
        .select_related("question__phase")
        .order_by("question__phase__order", "question__order")
    )
    questions = list(target.questions.select_related("phase").order_by("phase__order", "order"))
    by_key = {question.key: question for question in questions}
    carried, archived = [], []
    for answer in answers:
        question = by_key.get(answer.question.key)
        if question is None:
            if answer.value is not None:
                reason = f"Version {target.number} does not ask this question."
                archived.append(AnswerToArchive(answer=answer, reason=reason))
            continue
        try:
            value = None if answer.value is None else clean_value(question, answer.value)
        except ValidationError as error:
            reason = (
                f"The answer does not fit the question in version {target.number}: "
                + " ".join(error.messages)
            )
            archived.append(AnswerToArchive(answer=answer, reason=reason))
        else:
            carried.append(CarriedAnswer(answer=answer, question=question, value=value))
    current_keys = set(
        Question.objects.filter(version_id=plan.template_version_id).values_list("key", flat=True)
    )
    return VersionMove(
        plan=plan,
        target=target,
        carried=carried,
        archived=archived,
        new_questions=[question for question in questions if question.key not in current_keys],
    )
