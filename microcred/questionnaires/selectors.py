"""Reads of the engine: a phase's questions as numbered items, the newest version, the
released versions and one's outline."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Count, Prefetch, QuerySet

from .kinds import AnswerValue, display_value
from .models import Phase, Question, TemplateVersion

# What an item carries from the layers above, described by what pages and reports read of
# it (plans' answers, record tables and panels match these), so that the engine names
# none of them and mypy still tells a caller that puts something else there.


class StoredAnswer(Protocol):
    """A plan's answer to the question: its value, in its kind's shape (see kinds)."""

    @property
    def value(self) -> AnswerValue: ...


class TableRecordType(Protocol):
    """The record type of a record-set question's table."""

    @property
    def label(self) -> str: ...

    @property
    def pdf_template(self) -> str: ...

    @property
    def summary_template(self) -> str: ...


class TableColumn(Protocol):
    @property
    def heading(self) -> str: ...

    @property
    def numeric(self) -> bool: ...


class TableFigure(Protocol):
    @property
    def label(self) -> str: ...

    @property
    def value(self) -> str: ...


class RecordSetTable(Protocol):
    """A record-set question's rows as a page or report shows them: its columns, each
    row with its cells (each column with its text), and the figures under the table."""

    @property
    def record_type(self) -> TableRecordType: ...

    @property
    def rows(self) -> Sequence[object]: ...

    @property
    def columns(self) -> Sequence[TableColumn]: ...

    @property
    def body(self) -> Sequence[tuple[object, Sequence[tuple[TableColumn, str]]]]: ...

    @property
    def figures(self) -> Sequence[TableFigure]: ...


class PanelTemplate(Protocol):
    @property
    def pdf_template(self) -> str: ...


class FollowingPanel(Protocol):
    """Computed figures that a report shows after a question, through their panel's
    template."""

    @property
    def panel(self) -> PanelTemplate: ...


@dataclass
class QuestionItem:
    """A question as a page or report shows it: numbered, nested, with its answer."""

    question: Question
    number: str
    depth: int
    answer: StoredAnswer | None = None
    children: list["QuestionItem"] = field(default_factory=list)
    # A record-set question's rows, where a page shows them.
    record_set: RecordSetTable | None = None
    # Why the question does not apply to the plan ("" when it does): see conditions.py.
    not_applicable: str = ""
    # What a report shows after the question.
    panels: Sequence[FollowingPanel] = field(default_factory=list)

    @property
    def value(self) -> AnswerValue:
        return self.answer.value if self.answer else None

    @property
    def display(self) -> str:
        return display_value(self.question, self.value)


def numbered_items(
    questions: Iterable[Question],
    answers_by_question_id: Mapping[int, StoredAnswer] | None = None,
) -> list[QuestionItem]:
    """Questions (of one phase, in reading order) as items numbered by their nesting:
    1, 1.1, 1.1.1. The reflection question is not numbered."""
    answers_by_question_id = answers_by_question_id or {}
    items: dict[int | None, QuestionItem] = {}
    roots: list[QuestionItem] = []
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


def flatten(items: Iterable[QuestionItem]) -> Iterator[QuestionItem]:
    """Each item, then its sub-questions' items, depth first."""
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


RELEASED = (TemplateVersion.Status.PUBLISHED, TemplateVersion.Status.RETIRED)


def released_versions() -> QuerySet[TemplateVersion]:
    """The versions plans can be on, published and retired (never a draft), newest first,
    each with `phase_count`."""
    return (
        TemplateVersion.objects.filter(status__in=RELEASED)
        .annotate(phase_count=Count("phases"))
        .order_by("-number")
    )


@dataclass(frozen=True)
class PhaseOutline:
    phase: Phase
    # Each question numbered as the pages number it, in reading order (sub-questions
    # after their parent).
    items: list[QuestionItem]


@dataclass(frozen=True)
class VersionOutline:
    version: TemplateVersion
    phases: list[PhaseOutline]
    questions_by_id: dict[int, Question]


def released_version_outline(number: int) -> VersionOutline | None:
    """A published or retired version (None for a draft or no such number) with its
    phases in order and their questions numbered: three queries, whatever its size."""
    version = (
        TemplateVersion.objects.filter(status__in=RELEASED, number=number)
        .prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("order")),
            Prefetch("phases__questions", queryset=Question.objects.order_by("order")),
        )
        .first()
    )
    if version is None:
        return None
    phases = [
        PhaseOutline(phase=phase, items=list(flatten(numbered_items(phase.questions.all()))))
        for phase in version.phases.all()
    ]
    questions_by_id = {item.question.pk: item.question for p in phases for item in p.items}
    return VersionOutline(version=version, phases=phases, questions_by_id=questions_by_id)
