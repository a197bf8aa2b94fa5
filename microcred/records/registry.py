"""The registry of record types: every table a record-set question can name, from the six
phase apps, listed by plain imports so that what exists is read here, not discovered."""

from collections.abc import Iterable
from typing import Any

import delivery.records
import design.records
import maintenance.records
import marketing.records
import operations.records
import planning.records
from microcred.questionnaires.models import Question

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


def record_tables(plan: RowsPlan, questions: Iterable[Question]) -> dict[int, RecordTable[Any]]:
    """The rows of the plan's record-set questions among `questions`, by question id: one
    query per record type asked (plus one per many-to-many field), whatever the rows."""
    by_type: dict[str, list[Question]] = {}
    for question in questions:
        if question.kind == Question.Kind.RECORD_SET and question.record_type in REGISTRY:
            by_type.setdefault(question.record_type, []).append(question)
    tables = {}
    for name, type_questions in by_type.items():
        record_type = REGISTRY[name]
        rows: dict[int, list[PlanRecord]] = {question.pk: [] for question in type_questions}
        for row in record_type.rows_of(plan, list(rows)):
            rows[row.question_id].append(row)
        for question in type_questions:
            tables[question.pk] = RecordTable(
                record_type=record_type, question=question, rows=rows[question.pk]
            )
    return tables
