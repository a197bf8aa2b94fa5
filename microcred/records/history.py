"""What happened to a record set's rows: each row added, changed or removed, who did it
and when, cell by cell; for the history of a record-set answer and for "Changes since
the last review"."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist

from .cells import Column, cell_text
from .registry import REGISTRY
from .types import RecordType

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
HISTORY_TYPES = {"+": ADDED, "~": CHANGED, "-": REMOVED}


@dataclass(frozen=True)
class CellChange:
    heading: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    """One row added, changed (with the cells that changed) or removed."""

    action: str  # ADDED, CHANGED or REMOVED
    row: str  # what the row is called, as it was last
    cells: list[CellChange]
    changed_by: User | None
    changed_at: datetime.datetime

    @classmethod
    def of(cls, record: Any, *, action: str, cells: list[CellChange]) -> "RowChange":
        """The change a history record (django-simple-history's, untyped) made."""
        return cls(
            action=action,
            row=str(record.instance),
            cells=cells,
            changed_by=record.history_user,
            changed_at=record.history_date,
        )

    @property
    def summary(self) -> str:
        return f"{self.action.capitalize()} “{self.row}”"


def _historical_columns(record_type: RecordType) -> list[Column]:
    """The columns that history keeps (many-to-many lists are not in it)."""
    columns = []
    for column in record_type.column_list():
        if column.field:
            try:
                if record_type.model._meta.get_field(column.field).many_to_many:
                    continue
            except FieldDoesNotExist:
                continue
        columns.append(column)
    return columns


def _cells(record, columns) -> dict[str, str]:
    """A historical record's cells, read from the row it was (whose methods computed
    columns call)."""
    row = record.instance
    return {column.heading: cell_text(row, column) for column in columns}


def _cell_changes(before: dict[str, str], after: dict[str, str]) -> list[CellChange]:
    """The cells whose text differs, in column order (a row added or removed compares
    with no cells at all)."""
    headings = after or before
    return [
        CellChange(heading=heading, before=before.get(heading, ""), after=after.get(heading, ""))
        for heading in headings
        if before.get(heading, "") != after.get(heading, "")
    ]


def _history(record_type: RecordType, *, plan, question_ids):
    return (
        record_type.model.history.filter(plan_id=plan.pk, question_id__in=question_ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )


def row_history(*, plan, question) -> list[RowChange]:
    """Every change to the rows of one record-set question, newest first."""
    record_type = REGISTRY.get(question.record_type)
    if record_type is None:
        return []
    columns = _historical_columns(record_type)
    changes = []
    previous: dict[int, dict[str, str]] = {}
    for record in _history(record_type, plan=plan, question_ids=[question.pk]):
        cells = _cells(record, columns)
        action = HISTORY_TYPES[record.history_type]
        # Added: nothing before; removed: nothing after; changed: the row's last cells.
        before = {ADDED: {}, REMOVED: cells}.get(action, previous.get(record.id, {}))
        cell_changes = _cell_changes(before, {} if action == REMOVED else cells)
        previous[record.id] = cells
        if action == CHANGED and not cell_changes:
            continue  # a move to another place, or a save that changed nothing shown
        changes.append(RowChange.of(record, action=action, cells=cell_changes))
    return sorted(changes, key=lambda change: change.changed_at, reverse=True)


def row_changes_since(*, plan, question, since) -> list[RowChange]:
    """The rows of one record-set question added, removed or changed after `since`,
    each compared with what it was then: one entry per row, cell by cell."""
    record_type = REGISTRY.get(question.record_type)
    if record_type is None:
        return []
    columns = _historical_columns(record_type)
    by_row: dict[int, list] = {}
    for record in _history(record_type, plan=plan, question_ids=[question.pk]):
        by_row.setdefault(record.id, []).append(record)
    changes = []
    for records in by_row.values():
        latest = records[-1]
        if latest.history_date <= since:
            continue
        earlier = [record for record in records if record.history_date <= since]
        existed = earlier and earlier[-1].history_type != "-"
        before = _cells(earlier[-1], columns) if existed else {}
        if latest.history_type == "-":
            if not existed:
                continue  # added and removed again since: nothing to review
            action, after = REMOVED, {}
            cells = _cell_changes(before, {})
        else:
            action = CHANGED if existed else ADDED
            after = _cells(latest, columns)
            cells = _cell_changes(before, after)
            if not cells:
                continue
        changes.append(RowChange.of(latest, action=action, cells=cells))
    return sorted(changes, key=lambda change: change.changed_at)
