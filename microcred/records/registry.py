"""The registry of record types: every table a record-set question can name, from the six
phase apps, listed by plain imports so that what exists is read here, not discovered."""

from collections.abc import Iterable
from typing import Any, Protocol

from django.db.models import Model, QuerySet

import delivery.records
import design.records
import maintenance.records
import marketing.records
import operations.records
import planning.records
from microcred.questionnaires.models import Question

from .cells import ChoiceSource
from .models import PlanRecord, RowsPlan
from .types import RecordTable, RecordType

PHASE_APP_RECORDS = (
    planning.records,
    marketing.records,
    operations.records,
    design.records,
    delivery.records,
    maintenance.records,
)
# Any: each entry is the record type of its own model, which a name picks only at run time
# (the rows it reads and the figures it makes of them are of that one model).
REGISTRY: dict[str, RecordType[Any]] = {
    record_type.name: record_type
    for module in PHASE_APP_RECORDS
    for record_type in module.RECORD_TYPES
}


def record_type_named(name: str) -> RecordType[Any] | None:
    return REGISTRY.get(name)


def _choice_sources(
    record_type: RecordType[Any], on_page: list[Question]
) -> dict[str, ChoiceSource]:
    """The tables among `on_page` (record-set questions) whose rows the record type's lists
    offer, by field; a table's own rows are not another table's."""
    sources = {}
    for name, model in record_type.choice_models().items():
        for question in on_page:
            source = REGISTRY.get(question.record_type or "")
            if source is not None and source.model is model and source is not record_type:
                sources[name] = ChoiceSource(
                    key=question.key, label=source.label, row_name=source.row_name
                )
                break
    return sources


class RowSource(Protocol):
    """Rows a caller has read already (a page's PlanFacts): every row of the plan of a
    record type, whatever its question."""

    def rows_of_type(self, record_type: str) -> list[Any]: ...


def record_tables(
    plan: RowsPlan,
    questions: Iterable[Question],
    *,
    on_page: Iterable[Question] | None = None,
    rows: RowSource | None = None,
) -> dict[int, RecordTable[Any]]:
    """The rows of the plan's record-set questions among `questions`, by question id: one
    query per record type asked (plus one per many-to-many field), whatever the rows.
    Lists of other tables' rows name those among `on_page` (`questions` by default), read
    only for a table that has such lists. From `rows`, the rows are read there instead,
    and so are the rows the lists offer."""
    questions = list(questions)
    by_type: dict[str, list[Question]] = {}
    for question in questions:
        if question.kind == Question.Kind.RECORD_SET and question.record_type in REGISTRY:
            by_type.setdefault(question.record_type, []).append(question)
    tables = {}
    page_questions: list[Question] | None = None if on_page is not None else questions
    for name, type_questions in by_type.items():
        record_type = REGISTRY[name]
        by_question: dict[int, list[PlanRecord]] = {question.pk: [] for question in type_questions}
        read = rows.rows_of_type(name) if rows else record_type.rows_of(plan, list(by_question))
        for row in read:
            if row.question_id in by_question:
                by_question[row.question_id].append(row)
        sources = {}
        if record_type.choice_models():
            if page_questions is None:
                page_questions = list(on_page or [])
            sources = _choice_sources(record_type, page_questions)
        for question in type_questions:
            tables[question.pk] = RecordTable(
                record_type=record_type,
                question=question,
                rows=by_question[question.pk],
                choice_sources=sources,
                choice_rows=_choice_rows(record_type, rows) if rows else None,
            )
    return tables


def _choice_rows(record_type: RecordType[Any], rows: RowSource) -> dict[type[Model], list[Any]]:
    """The rows each of the record type's lists offers (every row of the plan of their
    model), from `rows`."""
    return {
        model: [
            row
            for other in REGISTRY.values()
            if other.model is model
            for row in rows.rows_of_type(other.name)
        ]
        for model in record_type.choice_models().values()
    }


def related_record_types(name: str) -> list[str]:
    """The record types whose rows a type's rows name (a forecast's price tier, a
    platform's integrations): what its rows show changes with theirs too."""
    record_type = REGISTRY[name]
    foreign, many = record_type.related_names()
    related = {
        model_field.related_model
        for model_field in record_type.model._meta.get_fields()
        if model_field.name in {*foreign, *many}
    }
    return [other.name for other in REGISTRY.values() if other.model in related]


def phase_record_questions(question: Question) -> QuerySet[Question]:
    """The record-set questions of `question`'s phase: the tables on its page."""
    return question.phase.questions.filter(kind=Question.Kind.RECORD_SET)


def tables_choosing_from(plan: RowsPlan, question: Question) -> list[RecordTable[Any]]:
    """The other tables of `question`'s phase whose rows choose among its table's rows
    (the candidate forecast's price tiers): what a change of its rows refreshes."""
    model = REGISTRY[question.record_type].model
    if not any(model in other.choice_models().values() for other in REGISTRY.values()):
        return []
    on_page = list(phase_record_questions(question))
    choosing = [
        other
        for other in on_page
        if other.pk != question.pk
        and other.record_type in REGISTRY
        and model in REGISTRY[other.record_type].choice_models().values()
    ]
    if not choosing:
        return []
    tables = record_tables(plan, choosing, on_page=on_page)
    return [tables[other.pk] for other in choosing]
