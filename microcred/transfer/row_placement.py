"""Placing a plan file's table rows in a new plan. Each row goes through `save_record`, as
if a planner typed it, once the rows it links to are placed (or known not to be), in the
file's order otherwise; rows that link to each other in a circle are placed without their
links first and completed after. What cannot be placed is noted in the import report."""

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import User
from django.template.defaultfilters import pluralize
from django.utils.datastructures import MultiValueDict

from microcred.plans.models import Plan
from microcred.plans.record_rows import InvalidRecord, RecordRefused, RecordsLocked, save_record
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

    @property
    def targets(self) -> list[str]:
        """The ids of the rows it links to."""
        return [target for targets in self.links.values() for target in targets]

    @property
    def order_in_file(self) -> int:
        return int(self.path.rsplit("[", 1)[1].rstrip("]"))


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
    path: str, row: dict, question: Question, *, number: int, report: ImportReport
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
            _pending_row(f"{path}.rows[{index}]", row, question, number=index + 1, report=report)
            for index, row in enumerate(rows)
        )
    return pending, refused


def form_data(
    row: PendingRow, created: dict[str, int], *, partial: bool = False
) -> MultiValueDict[str, str]:
    """The row as its form receives it, its links as the pks of the rows `created` from
    the ids they name. `partial`: without its links and optional choices, which may
    depend on those links."""
    form_fields = row.record_type.form.base_fields
    data: MultiValueDict[str, str] = MultiValueDict()
    for name, value in row.values.items():
        form_field = form_fields.get(name)
        if name in row.links:
            if partial:
                continue
            data.setlist(name, [str(created[t]) for t in row.links[name] if t in created])
        elif partial and isinstance(form_field, forms.ChoiceField) and not form_field.required:
            continue
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


def restore_file_order(placed: list[PendingRow], created: dict[str, int]) -> None:
    """Give the rows of each table the file's order, where links made them be placed in
    another (positions only, which a row's history need not show)."""
    by_question: dict[int, list[PendingRow]] = {}
    for row in placed:
        by_question.setdefault(row.question.pk, []).append(row)
    for rows in by_question.values():
        in_file = sorted(rows, key=lambda row: row.order_in_file)
        if in_file == rows:
            continue
        model = rows[0].record_type.model
        for position, row in enumerate(in_file, start=1):
            model._default_manager.filter(pk=created[row.id]).update(position=position)


class _PlacementOrder:
    """The order rows are placed in: rounds through the rows left, in the file's order,
    each placing those whose links are all placed (or known not to be) when it reaches
    them; a round that places none places the first row left without its links. Each row
    and each link is looked at once, however the rows link (a chain of rows each naming
    the next once took a round per row)."""

    def __init__(self, rows: list[PendingRow], *, resolved: Iterable[str]) -> None:
        self.rows = rows
        done = set(resolved)
        self.waiting_for: dict[int, set[str]] = {}  # a row's index: the ids it waits for
        self.waiting_rows: dict[str, list[int]] = {}  # a row id: the rows waiting for it
        self.this_round: list[int] = []  # heaps of row indexes
        self.next_round: list[int] = []
        self.handled: set[int] = set()
        self.first_left = 0
        self.position = -1  # where the round is, in the file's order
        for index, row in enumerate(rows):
            targets = {target for target in row.targets if target not in done}
            if targets:
                self.waiting_for[index] = targets
                for target in targets:
                    self.waiting_rows.setdefault(target, []).append(index)
            else:
                self.this_round.append(index)

    def next_row(self) -> tuple[PendingRow, bool] | None:
        """The next row to place, and whether without its links; None when all are."""
        if not self.this_round and self.next_round:
            self.this_round, self.next_round = self.next_round, []
            self.position = -1
        if self.this_round:
            index = heapq.heappop(self.this_round)
            self.position = index
            self.handled.add(index)
            return self.rows[index], False
        while self.first_left < len(self.rows) and self.first_left in self.handled:
            self.first_left += 1
        if self.first_left == len(self.rows):
            return None
        # Rows that name each other in a circle: the first of them goes without its links,
        # and the next round starts.
        self.position = -1
        self.handled.add(self.first_left)
        return self.rows[self.first_left], True

    def resolve(self, row: PendingRow) -> None:
        """The row is placed, or known not to be: the rows waiting for it no longer do."""
        for index in self.waiting_rows.pop(row.id, []):
            targets = self.waiting_for[index]
            targets.discard(row.id)
            if targets or index in self.handled:
                continue
            heapq.heappush(self.this_round if index > self.position else self.next_round, index)


class RowPlacement:
    """Places rows in a new plan, remembering which row of the file became which row."""

    def __init__(self, *, plan: Plan, user: User, report: ImportReport, refused: set[str]) -> None:
        """`refused`: the ids of the file's rows known not to be placed."""
        self.plan = plan
        self.user = user
        self.report = report
        self.created: dict[str, int] = {}  # row id in the file: the new row's pk
        self.failed: set[str] = set(refused)  # rows of the file that were not placed

    def place(self, pending: list[PendingRow]) -> None:
        """Place rows once the rows they link to are placed (or known not to be), in the
        file's order otherwise. Rows that link to each other in a circle are placed first
        without their links and optional choices, and completed once the others are
        there."""
        order = _PlacementOrder(pending, resolved=self.created.keys() | self.failed)
        placed_order: list[PendingRow] = []
        completing: list[PendingRow] = []
        while (step := order.next_row()) is not None:
            row, partial = step
            if self._save(row, form_data(row, self.created, partial=partial)):
                placed_order.append(row)
                if partial:
                    completing.append(row)
            order.resolve(row)
        for row in completing:
            self._complete(row)
        restore_file_order(placed_order, self.created)

    def _unplaceable_links(self, row: PendingRow) -> list[str]:
        return [t for t in row.targets if t in self.failed]

    def _save(self, row: PendingRow, data: MultiValueDict[str, str]) -> bool:
        try:
            result = save_record(plan=self.plan, question=row.question, data=data, user=self.user)
        except (InvalidRecord, RecordRefused, RecordsLocked) as error:
            reason = str(error)
            missing = self._unplaceable_links(row)
            if missing:
                reason += f" (It links to {', '.join(missing)}, which could not be placed.)"
            self.report.add_not_placed(row.path, row.label, reason)
            self.failed.add(row.id)
            return False
        self.created[row.id] = result.record.pk
        self.report.rows += 1
        missing = self._unplaceable_links(row)
        if missing:
            self.report.add_not_placed(
                row.path,
                row.label,
                f"Placed without its link to {', '.join(missing)}, which could not be placed.",
            )
        return True

    def _complete(self, row: PendingRow) -> None:
        record = row.record_type.model._default_manager.get(pk=self.created[row.id])
        try:
            save_record(
                plan=self.plan,
                question=row.question,
                data=form_data(row, self.created),
                user=self.user,
                record_id=record.pk,
                base_revision=record.revision,
            )
        except (InvalidRecord, RecordRefused) as error:
            self.report.add_not_placed(
                row.path,
                row.label,
                f"Placed without its links to other rows and its optional choices: {error}",
            )


def place_rows(
    record_sets: list[dict],
    *,
    plan: Plan,
    user: User,
    questions: dict[str, Question],
    report: ImportReport,
) -> None:
    """Place the file's rows in `plan` (`questions`: its version's, by key), noting in
    `report` what was placed and what could not be, and why."""
    pending, refused = pending_rows(
        record_sets,
        questions=questions,
        version_number=plan.template_version.number,
        report=report,
    )
    RowPlacement(plan=plan, user=user, report=report, refused=refused).place(pending)
