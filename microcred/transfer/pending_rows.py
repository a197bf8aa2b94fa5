"""A plan file's table rows as an import reads them: each with the cells its record type
has, its links to other rows by their ids in the file, and the data its table's form
receives (row_placement.py places them)."""

from collections.abc import Container
from dataclasses import dataclass

from django import forms
from django.template.defaultfilters import pluralize
from django.utils.datastructures import MultiValueDict

from microcred.questionnaires.models import Question
from microcred.records.registry import REGISTRY
from microcred.records.types import RecordType

from .import_report import ImportReport
from .plan_json import row_fields
from .problems import json_path


@dataclass
class PendingRow:
    """A row of the file waiting to be placed."""

    path: str
    id: str
    record_type: RecordType
    question: Question
    values: dict
    links: dict[str, list[str]]  # link field name: the ids of the rows it names
    label: str
    order: int  # its place among the file's rows

    @property
    def targets(self) -> list[str]:
        """The ids of the rows it links to."""
        return [target for targets in self.links.values() for target in targets]


def _table_refusal(record_set: dict, question: Question | None, version_number: int) -> str:
    """Why the new plan has no place for a table of the file ("" when it has one)."""
    record_type = REGISTRY.get(record_set["record_type"])
    if record_type is None:
        return f"This installation has no table “{record_set['record_type']}”."
    if question is None:
        return f"Template version {version_number} does not ask this question."
    if question.kind != Question.Kind.RECORD_SET or question.record_type != record_type.name:
        return f"Template version {version_number} asks for another table here."
    return ""


def _pending_row(
    path: str, row: dict, question: Question, *, number: int, order: int, report: ImportReport
) -> PendingRow:
    """The row with the cells its record type has; the others are noted in `report`."""
    record_type = REGISTRY[question.record_type]
    fields = {model_field.name: model_field for model_field in row_fields(record_type)}
    values = {}
    for name, value in row["values"].items():
        if name in fields:
            values[name] = value
        else:
            report.add_not_placed(
                f"{path}.values.{name}",
                f"{record_type.label}, row {number}: “{name}”",
                f"This installation's {record_type.label.lower()} have no such column.",
                value,
            )
    links = {
        name: value if isinstance(value, list) else [value] if value else []
        for name, value in values.items()
        if fields[name].is_relation
    }
    first_text = next(
        (v for n, v in values.items() if isinstance(v, str) and v and n not in links), ""
    )
    label = f"{record_type.label}, row {number}" + (f" (“{first_text}”)" if first_text else "")
    return PendingRow(
        path=path,
        id=row["id"],
        record_type=record_type,
        question=question,
        values=values,
        links=links,
        label=label,
        order=order,
    )


def pending_rows(
    record_sets: list[dict],
    *,
    questions: dict[str, Question],
    version_number: int,
    report: ImportReport,
) -> tuple[list[PendingRow], set[str]]:
    """The file's rows that have a table in the new plan (`questions`: its version's, by
    key), in the file's order; and the ids of those that have none, noted in `report`."""
    pending: list[PendingRow] = []
    refused: set[str] = set()
    for set_index, record_set in enumerate(record_sets):
        rows = record_set["rows"]
        if not rows:
            continue
        path = json_path(["record_sets", set_index])
        key = record_set["question"]
        question = questions.get(key)
        reason = _table_refusal(record_set, question, version_number)
        if reason or question is None:
            count = len(rows)
            report.add_not_placed(path, f"{count} row{pluralize(count)} of “{key}”", reason)
            refused.update(row["id"] for row in rows)
            continue
        pending.extend(
            _pending_row(
                f"{path}.rows[{index}]",
                row,
                question,
                number=index + 1,
                order=len(pending) + index,
                report=report,
            )
            for index, row in enumerate(rows)
        )
    return pending, refused


def form_data(
    row: PendingRow, placed: Container[str], *, partial: bool = False
) -> MultiValueDict[str, str]:
    """The row as its form receives it, its links naming those of the rows they name that
    are `placed` (by their ids in the file, the keys of the form's known rows).
    `partial`: without its links and optional choices, which may depend on those links."""
    form_fields = row.record_type.form.base_fields
    data: MultiValueDict[str, str] = MultiValueDict()
    for name, value in row.values.items():
        form_field = form_fields.get(name)
        if name in row.links:
            if partial:
                continue
            data.setlist(name, [target for target in row.links[name] if target in placed])
        elif partial and isinstance(form_field, forms.ChoiceField) and not form_field.required:
            continue
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data
