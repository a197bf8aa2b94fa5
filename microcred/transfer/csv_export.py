"""CSV exports across plans: every answer of the plans a person may see, and the rows of
each record type, for spreadsheets.

The plans are read in batches of `PLAN_BATCH_SIZE` by their id, each batch with its
answers (or rows) in a fixed number of queries, and written out a plan at a time: memory
stays that of one batch whatever the number of plans, and the queries grow with the
batches, not with the rows.

Each cell is written as `csv_cells` says: text guarded against formulas, values as
spreadsheets compute with them.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from microcred.plans.models import Answer, Plan
from microcred.plans.permissions import plans_visible_to
from microcred.plans.selectors import condition_questions, hidden_questions_by_plan
from microcred.questionnaires.conditions import not_applicable_reasons
from microcred.questionnaires.kinds import AnswerValue, display_value
from microcred.questionnaires.models import Question
from microcred.questionnaires.selectors import flatten, numbered_items
from microcred.records.cells import Column
from microcred.records.models import PlanRecord
from microcred.records.types import RecordType

from .csv_cells import number_cell, record_cells, text_cell

PLAN_BATCH_SIZE = 100
# What spreadsheets open as UTF-8 rather than guessing the encoding.
BYTE_ORDER_MARK = "\ufeff"
# The kinds whose answers are numbers (their display text is the number itself).
NUMERIC_KINDS = {"number"}

ANSWER_HEADER = [
    "Plan id",
    "Plan title",
    "Organization",
    "Status",
    "Template version",
    "Phase",
    "Question number",
    "Question key",
    "Question",
    "Answer",
    "Answered by",
    "Answered at",
]


def answers_filename(day: datetime.date) -> str:
    return f"plan-answers-{day.isoformat()}.csv"


def record_type_filename(record_type: RecordType, day: datetime.date) -> str:
    return f"{record_type.name}-{day.isoformat()}.csv"


def csv_chunks(header: list[str], row_groups: Iterable[list[list[str]]]) -> Iterator[bytes]:
    """The file in pieces, one per group of rows (a plan's): a byte order mark and the
    header, then the rows (CRLF line ends, quoted where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow(header)
    for rows in row_groups:
        writer.writerows(rows)
        if buffer.tell():
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def visible_plan_batches(*, user: User, batch_size: int = PLAN_BATCH_SIZE) -> Iterator[list[Plan]]:
    """The plans the user may see (archived ones too), oldest first, `batch_size` at a
    time: one query per batch, each starting after the last plan of the one before, so
    that a plan added meanwhile never shifts a batch."""
    plans = plans_visible_to(user).select_related("template_version", "organization").order_by("pk")
    last_pk = 0
    while True:
        batch = list(plans.filter(pk__gt=last_pk)[:batch_size])
        if batch:
            yield batch
        if len(batch) < batch_size:
            return
        last_pk = batch[-1].pk


@dataclass(frozen=True)
class NumberedQuestion:
    question: Question
    # The question's cells (phase, number, key, text): the same in every plan on its
    # version, so written once.
    cells: tuple[str, ...]


def numbered_questions(phase_questions: list[Question]) -> list[NumberedQuestion]:
    """One phase's questions in reading order, numbered as the PDF numbers them."""
    return [
        NumberedQuestion(
            question=item.question,
            cells=(
                text_cell(item.question.phase.title),
                text_cell(item.number),
                text_cell(item.question.key),
                text_cell(item.question.text),
            ),
        )
        for item in flatten(numbered_items(phase_questions))
    ]


class VersionQuestions:
    """Each template version's numbered questions in reading order; read once per
    version, in one query, the first time a batch needs it."""

    def __init__(self) -> None:
        self.by_version: dict[int, list[NumberedQuestion]] = {}

    def of(self, version_ids: Iterable[int]) -> dict[int, list[NumberedQuestion]]:
        missing = set(version_ids) - set(self.by_version)
        if missing:
            questions = (
                Question.objects.filter(version_id__in=missing)
                .select_related("phase")
                .order_by("version_id", "phase__order", "order")
            )
            by_phase: dict[tuple[int, int], list[Question]] = {}
            for question in questions:
                by_phase.setdefault((question.version_id, question.phase.order), []).append(
                    question
                )
            for version_id in missing:
                self.by_version[version_id] = []
            for (version_id, _order), phase_questions in sorted(by_phase.items()):
                self.by_version[version_id].extend(numbered_questions(phase_questions))
        return self.by_version


@dataclass(frozen=True)
class StoredAnswer:
    value: object
    answered_by: str
    answered_at: datetime.datetime


def answers_of(plans: list[Plan]) -> dict[int, dict[int, StoredAnswer]]:
    """The plans' answers that say something, by plan id and question id, in one query."""
    answers: dict[int, dict[int, StoredAnswer]] = {plan.pk: {} for plan in plans}
    rows = Answer.objects.filter(plan__in=plans, value__isnull=False).values_list(
        "plan_id",
        "question_id",
        "value",
        "updated_at",
        "updated_by__first_name",
        "updated_by__last_name",
        "updated_by__username",
    )
    for plan_id, question_id, value, updated_at, first, last, username in rows:
        answers[plan_id][question_id] = StoredAnswer(
            value=value,
            # As get_full_name() writes it; "" when the writer's account is gone.
            answered_by=f"{first or ''} {last or ''}".strip() or username or "",
            answered_at=updated_at,
        )
    return answers


def answer_text(question: Question, value: AnswerValue) -> str:
    text = display_value(question, value)
    if question.kind == Question.Kind.RECORD_SET and value is not None:
        return f"{text}, see {question.record_type}.csv"
    return text


def plan_answer_rows(
    plan: Plan,
    numbered: list[NumberedQuestion],
    answers: dict[int, StoredAnswer],
    *,
    zone: datetime.tzinfo,
) -> list[list[str]]:
    """The plan's row for each question of its template version, in reading order. A
    question that does not apply says why instead of its kept answer."""
    reasons = not_applicable_reasons(
        [item.question for item in numbered],
        {question_id: answer.value for question_id, answer in answers.items()},
    )
    plan_cells = [
        number_cell(plan.pk),
        text_cell(plan.title),
        text_cell(plan.organization.name),
        text_cell(plan.get_status_display()),
        number_cell(plan.template_version.number),
    ]
    rows = []
    for item in numbered:
        question = item.question
        answer = answers.get(question.pk)
        if question.pk in reasons:
            answer_cells = [text_cell(f"Not applicable: {reasons[question.pk]}"), "", ""]
        elif answer is None:
            answer_cells = ["", "", ""]
        else:
            text = answer_text(question, answer.value)
            answer_cells = [
                number_cell(text) if question.kind in NUMERIC_KINDS else text_cell(text),
                text_cell(answer.answered_by),
                answer.answered_at.astimezone(zone).isoformat(timespec="seconds"),
            ]
        rows.append([*plan_cells, *item.cells, *answer_cells])
    return rows


def answer_rows_by_plan(
    *, user: User, batch_size: int = PLAN_BATCH_SIZE
) -> Iterator[list[list[str]]]:
    """The answers CSV's rows, one plan's at a time, reading a batch of plans at a time:
    two queries per batch, and one more the first time a batch holds a plan on a template
    version not seen before."""
    versions = VersionQuestions()
    zone = timezone.get_current_timezone()
    for plans in visible_plan_batches(user=user, batch_size=batch_size):
        questions_by_version = versions.of({plan.template_version_id for plan in plans})
        answers_by_plan = answers_of(plans)
        for plan in plans:
            yield plan_answer_rows(
                plan,
                questions_by_version[plan.template_version_id],
                answers_by_plan.pop(plan.pk),
                zone=zone,
            )


def record_type_header(record_type: RecordType) -> list[str]:
    """The plan's id and title, then each column's heading; an amount's column is followed
    by its currency's ("Price", "Price currency")."""
    headings = []
    for column in record_type.column_list():
        headings.append(column.heading)
        if column.currency:
            headings.append(f"{column.heading} currency")
    return ["Plan id", "Plan title", *headings]


class RecordSetQuestions:
    """Each template version's record-set questions of one record type, with the
    version's questions that deciding whether they apply reads; read once per version."""

    def __init__(self, record_type: RecordType):
        self.record_type = record_type
        self.asking: dict[int, list[Question]] = {}
        self.conditions: dict[int, list[Question]] = {}

    def load(self, version_ids: Iterable[int]) -> None:
        missing = set(version_ids) - set(self.asking)
        if not missing:
            return
        for version_id in missing:
            self.asking[version_id] = []
            self.conditions[version_id] = []
        for question in Question.objects.filter(
            version_id__in=missing, kind=Question.Kind.RECORD_SET, record_type=self.record_type.name
        ).order_by("phase__order", "order"):
            self.asking[question.version_id].append(question)
        for question in condition_questions(missing):
            self.conditions[question.version_id].append(question)


def records_by_plan(
    plans: list[Plan], questions: RecordSetQuestions
) -> dict[int, list[PlanRecord]]:
    """The plans' rows of one record type, by plan id, in their tables' order: the rows of
    the record-set questions of each plan's version that apply to it."""
    record_type = questions.record_type
    version_ids = {plan.template_version_id for plan in plans}
    questions.load(version_ids)
    order = {
        question.pk: index
        for version_id in version_ids
        for index, question in enumerate(questions.asking[version_id])
    }
    if not order:
        return {}
    hidden = hidden_questions_by_plan(
        plans,
        [question for version_id in version_ids for question in questions.conditions[version_id]],
    )
    foreign, many = record_type.related_names()
    records = (
        record_type.model._default_manager.filter(plan__in=plans, question_id__in=order)
        .prefetch_related(*many)
        .order_by("plan_id", "position", "pk")
    )
    if foreign:  # without names, select_related() would follow every foreign key
        records = records.select_related(*foreign)
    applying = {
        plan.pk: {q.pk for q in questions.asking[plan.template_version_id]} - hidden[plan.pk]
        for plan in plans
    }
    by_plan: dict[int, list[PlanRecord]] = {}
    for record in records:
        if record.question_id in applying[record.plan_id]:
            by_plan.setdefault(record.plan_id, []).append(record)
    for rows in by_plan.values():
        rows.sort(key=lambda record: order[record.question_id])  # stable: keeps positions
    return by_plan


def plan_record_rows(
    plan: Plan, records: list[PlanRecord], columns: list[Column]
) -> list[list[str]]:
    plan_cells = [number_cell(plan.pk), text_cell(plan.title)]
    return [
        [*plan_cells, *(cell for column in columns for cell in record_cells(record, column))]
        for record in records
    ]


def record_rows_by_plan(
    *, user: User, record_type: RecordType, batch_size: int = PLAN_BATCH_SIZE
) -> Iterator[list[list[str]]]:
    """A record type's CSV rows, one plan's at a time, reading a batch of plans at a time:
    three queries per batch (one more per many-to-many column; none for the rows when no
    plan's version asks for them), and two more the first time a batch holds a template
    version not seen before."""
    questions = RecordSetQuestions(record_type)
    columns = record_type.column_list()
    for plans in visible_plan_batches(user=user, batch_size=batch_size):
        records = records_by_plan(plans, questions)
        for plan in plans:
            yield plan_record_rows(plan, records.pop(plan.pk, []), columns)
