from dataclasses import dataclass, field

from .kinds import display_value
from .models import Question, TemplateVersion


@dataclass
class QuestionItem:
    """A question as a page or report shows it: numbered, nested, with its answer."""

    question: Question
    number: str
    depth: int
    answer: object | None = None  # the plan's answer, if any: its value and who saved it
    children: list["QuestionItem"] = field(default_factory=list)
    # A record-set question's rows (a records.types.RecordTable), where a page shows them.
    record_set: object = None
    # Why the question does not apply to the plan ("" when it does): see conditions.py.
    not_applicable: str = ""
    # What a report shows after the question: computed figures (plans.panels.ShownPanel).
    panels: list = field(default_factory=list)

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


def newer_published_version(version: TemplateVersion) -> TemplateVersion | None:
    """The version new plans start on, when it is newer than `version`."""
    if version.status == TemplateVersion.Status.PUBLISHED:
        return None  # publishing retires every other version: this one is the latest
    return (
        TemplateVersion.objects.filter(
            status=TemplateVersion.Status.PUBLISHED, number__gt=version.number
        )
        .order_by("-number")
        .first()
    )
