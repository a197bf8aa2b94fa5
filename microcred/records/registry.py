"""The registry of record types: every table a record-set question can name, from the six
phase apps, listed by plain imports so that what exists is read here, not discovered."""

import delivery.records
import design.records
import maintenance.records
import marketing.records
import operations.records
import planning.records
from microcred.questionnaires.models import Question

from .types import RecordTable, RecordType

PHASE_APP_RECORDS = (
    planning.records,
    marketing.records,
    operations.records,
    design.records,
    delivery.records,
    maintenance.records,
)
REGISTRY: dict[str, RecordType] = {
    record_type.name: record_type
    for module in PHASE_APP_RECORDS
    for record_type in module.RECORD_TYPES
}


def record_type_named(name: str) -> RecordType | None:
    return REGISTRY.get(name)


def record_tables(plan, questions) -> dict[int, RecordTable]:
    """The rows of the plan's record-set questions among `questions`, by question id: one
    query per record type asked (plus one per many-to-many field), whatever the rows."""
    by_type: dict[str, list] = {}
    for question in questions:
        if question.kind == Question.Kind.RECORD_SET and question.record_type in REGISTRY:
            by_type.setdefault(question.record_type, []).append(question)
    tables = {}
    for name, type_questions in by_type.items():
        record_type = REGISTRY[name]
        rows: dict[int, list] = {question.pk: [] for question in type_questions}
        for row in record_type.rows_of(plan, list(rows)):
            rows[row.question_id].append(row)
        for question in type_questions:
            tables[question.pk] = RecordTable(
                record_type=record_type, question=question, rows=rows[question.pk]
            )
    return tables
