"""Placing a plan file's table rows in a new plan. Each row is checked by its table's
form, as if a planner typed it, once the rows it links to are placed (or known not to
be), in the file's order otherwise; rows that link to each other in a circle are placed
without their links first and completed after. What cannot be placed is noted in the
import report.

A row is checked against the rows placed before it (the form's `known_rows`), not the
database, and the rows are stored in bulk a record type at a time (bulk_writes.py), each
type after the types it links to: a fixed number of queries per record type, however many
rows."""

import datetime
import heapq
from collections.abc import Iterable

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.utils.datastructures import MultiValueDict

from microcred.plans.models import Plan
from microcred.plans.record_rows import InvalidRecord
from microcred.questionnaires.models import Question
from microcred.records.models import PlanRecord
from microcred.records.registry import REGISTRY

from .bulk_writes import NewRow, store_rows
from .import_report import ImportReport
from .pending_rows import PendingRow, form_data, pending_rows
from .plan_json import row_fields


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


def tables_in_link_order(pending: list[PendingRow]) -> list[list[PendingRow]]:
    """The rows by record type, each type after the types it links to and in the file's
    order otherwise, so that the rows a type links to are stored before it is. Raises
    ImproperlyConfigured for record types that link to each other in a circle (none
    does), which cannot be stored a type at a time."""
    by_type: dict[str, list[PendingRow]] = {}
    for row in pending:
        by_type.setdefault(row.record_type.name, []).append(row)
    linked_models = {
        name: {model_field.related_model for model_field in row_fields(REGISTRY[name])}
        - {REGISTRY[name].model}
        for name in by_type
    }
    left = list(by_type)
    ordered = []
    while left:
        models_left = {REGISTRY[name].model for name in left}
        name = next((n for n in left if linked_models[n].isdisjoint(models_left)), None)
        if name is None:
            raise ImproperlyConfigured(f"These tables link to each other in a circle: {left}")
        left.remove(name)
        ordered.append(by_type[name])
    return ordered


class RowPlacement:
    """Places rows in a new plan: checks them, remembering which row of the file became
    which row, and stores them a record type at a time."""

    def __init__(
        self,
        *,
        plan: Plan,
        user: User,
        report: ImportReport,
        refused: set[str],
        now: datetime.datetime,
    ) -> None:
        """`refused`: the ids of the file's rows known not to be placed; `now`: the time
        the rows are stored at."""
        self.plan = plan
        self.user = user
        self.report = report
        self.now = now
        self.placed: dict[str, PlanRecord] = {}  # row id in the file: the row it became
        self.failed: set[str] = set(refused)  # rows of the file that were not placed
        # Row id in the file: its fields linking to several rows, each with the ids of
        # the rows its form took (none for a row placed without its links).
        self.links_taken: dict[str, dict[str, list[str]]] = {}
        self.rows_of: dict[Question, int] = {}  # record-set question: the rows placed

    def place(self, pending: list[PendingRow]) -> None:
        """Place rows of one record type, the rows of the types they link to placed
        already, then store them. A row is placed once the rows it links to are placed
        (or known not to be), in the file's order otherwise. Rows that link to each other
        in a circle are placed first without their links and optional choices, and
        completed once the others are there."""
        order = _PlacementOrder(pending, resolved=self.placed.keys() | self.failed)
        placed: list[PendingRow] = []
        completing: list[PendingRow] = []
        while (step := order.next_row()) is not None:
            row, partial = step
            if self._place(row, partial=partial):
                placed.append(row)
                if partial:
                    completing.append(row)
            order.resolve(row)
        for row in completing:
            self._complete(row)
        store_rows([self._new_row(row) for row in placed], user=self.user, now=self.now)

    def _new_row(self, row: PendingRow) -> NewRow:
        links = {
            name: [self.placed[target] for target in dict.fromkeys(targets)]
            for name, targets in self.links_taken[row.id].items()
        }
        return NewRow(record=self.placed[row.id], order=row.order, links=links)

    def _checked(
        self, row: PendingRow, data: MultiValueDict[str, str], known_rows: dict[str, PlanRecord]
    ) -> PlanRecord:
        """The row as its form takes it, not stored; raises InvalidRecord."""
        record_type = row.record_type
        instance = record_type.model(plan=self.plan, question=row.question)
        form = record_type.form(data, instance=instance, plan=self.plan, known_rows=known_rows)
        if not form.is_valid():
            raise InvalidRecord(form)
        self.links_taken[row.id] = {
            name: data.getlist(name)
            for name in row.links
            if isinstance(form.fields.get(name), forms.ModelMultipleChoiceField)
        }
        return form.instance

    def _unplaceable_links(self, row: PendingRow) -> list[str]:
        return [t for t in row.targets if t in self.failed]

    def _place(self, row: PendingRow, *, partial: bool) -> bool:
        placed_in_table = self.rows_of.get(row.question, 0)
        reason = row.record_type.refusal_of_another_row(placed_in_table)
        if not reason:
            data = form_data(row, self.placed, partial=partial)
            try:
                self.placed[row.id] = self._checked(row, data, self.placed)
            except InvalidRecord as error:
                reason = str(error)
        missing = self._unplaceable_links(row)
        if reason:
            if missing:
                reason += f" (It links to {', '.join(missing)}, which could not be placed.)"
            self.report.add_not_placed(row.path, row.label, reason)
            self.failed.add(row.id)
            return False
        self.rows_of[row.question] = placed_in_table + 1
        self.report.rows += 1
        if missing:
            self.report.add_not_placed(
                row.path,
                row.label,
                f"Placed without its link to {', '.join(missing)}, which could not be placed.",
            )
        return True

    def _complete(self, row: PendingRow) -> None:
        """Check a row placed without its links again with them: the rows it may link to
        are all the rows placed but itself."""
        others = {target: record for target, record in self.placed.items() if target != row.id}
        try:
            self.placed[row.id] = self._checked(row, form_data(row, self.placed), others)
        except InvalidRecord as error:
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
    now: datetime.datetime,
) -> dict[Question, int]:
    """Place the file's rows in `plan` (`questions`: its version's, by key), stored as
    of `now`, noting in `report` what was placed and what could not be, and why. Returns
    how many rows each record-set question has."""
    pending, refused = pending_rows(
        record_sets,
        questions=questions,
        version_number=plan.template_version.number,
        report=report,
    )
    placement = RowPlacement(plan=plan, user=user, report=report, refused=refused, now=now)
    for rows in tables_in_link_order(pending):
        placement.place(rows)
    return placement.rows_of
