"""Changing the rows of a record set: adding, changing, deleting and reordering them.

Every change is refused, like an answer's, while the plan's answers are locked (in review,
approved), and is ordered against submissions by locking the plan's row. A change made
from an older revision of its row than the stored one is refused with who changed it and
when. The record-set question's answer keeps how many rows there are, so that progress
and the lists of missing answers count a record set once it has a row.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from microcred.questionnaires.models import Question
from microcred.records.forms import RecordForm
from microcred.records.models import PlanRecord
from microcred.records.registry import record_type_named
from microcred.records.types import RecordType

from .answers import AnswersLocked, changed_meanwhile, note_change, stamp_plan_changed
from .models import Plan


class RecordsLocked(Exception):
    """The plan's answers, and so its records, cannot change in its current status."""


class RecordRefused(Exception):
    """A change that cannot be made, with the reason a planner reads."""


class RecordConflict(RecordRefused):
    """The row changed since the revision the user started from, or is gone."""

    def __init__(self, record: PlanRecord | None, row_name: str):
        if record is None:
            message = f"This {row_name} was deleted by someone else. Reload the page."
        else:
            message = changed_meanwhile(record, row_name)
        super().__init__(message)
        self.record = record
        self.row_name = row_name


class InvalidRecord(Exception):
    """Data a row's form does not accept; `form` has the errors, field by field."""

    def __init__(self, form: RecordForm):
        self.form = form
        super().__init__(
            "; ".join(
                f"{form.fields[name].label if name in form.fields else 'Row'}: "
                f"{' '.join(map(str, errors))}"
                for name, errors in form.errors.items()
            )
        )


@dataclass(frozen=True)
class RecordSaveResult:
    record: PlanRecord
    changed: bool


def record_type_of(question: Question) -> RecordType[Any]:
    record_type = record_type_named(question.record_type)
    if question.kind != Question.Kind.RECORD_SET or record_type is None:
        raise RecordRefused(f"Question {question.key} does not hold a table of rows.")
    return record_type


def _stamp_plan(plan: Plan, question, now) -> None:
    """The plan stamped as changed now, its row locked until the transaction ends
    (stamp_plan_changed); RecordsLocked while its answers are locked."""
    if question.version_id != plan.template_version_id:
        raise RecordRefused("This question is not part of the plan's template version.")
    try:
        stamp_plan_changed(plan, now)
    except AnswersLocked as locked:
        raise RecordsLocked(str(locked)) from None


def _rows(record_type: RecordType, plan, question):
    return record_type.model.objects.filter(plan=plan, question=question)


def _count_rows(*, plan, question, record_type, user, now) -> None:
    """Keep the record-set question's answer at its number of rows (None for none), and
    its time at the table's last change, which tells which tables changed since a review
    without reading them all."""
    count = _rows(record_type, plan, question).count() or None
    answer = plan.answers.select_for_update().filter(question=question).first()
    if answer is None:
        if count is None:
            return
        answer = plan.answers.model(plan=plan, question=question, revision=0)
    elif answer.value == count:
        # The same number of rows: no new revision of the answer, only its time.
        type(answer).objects.filter(pk=answer.pk).update(updated_by=user, updated_at=now)
        return
    answer.value = count
    answer.revision += 1
    answer.updated_by = user
    answer.updated_at = now
    note_change(answer, user=user)
    answer.save()


def _row_changed(*, plan, question, record_type, user, now) -> None:
    """After a row's cells changed: the number of rows is the same, so only the
    record-set answer's time moves (counted when there is no answer yet)."""
    if not plan.answers.filter(question=question).update(updated_by=user, updated_at=now):
        _count_rows(plan=plan, question=question, record_type=record_type, user=user, now=now)


def _stamp(record: PlanRecord, *, user, now) -> None:
    record.updated_by = user
    record.updated_at = now
    note_change(record, user=user)


def _row_at_revision(rows, record_type: RecordType, *, record_id: int, revision: int) -> PlanRecord:
    """The row, locked; RecordConflict when it is gone or no longer at `revision`."""
    record = rows.select_for_update().filter(pk=record_id).first()
    if record is None or record.revision != revision:
        raise RecordConflict(record, record_type.row_name)
    return record


def _refuse_another_row(rows, record_type: RecordType) -> None:
    """RecordRefused when the table holds all the rows it may."""
    refusal = record_type.refusal_of_another_row(rows.count())
    if refusal:
        raise RecordRefused(refusal)


def _save_form_row(form: RecordForm, rows, *, user, now) -> PlanRecord:
    """Store the form's row as its next revision; a new row goes after the others."""
    record = form.save(commit=False)
    if record.pk is None:
        record.position = (rows.aggregate(last=Max("position"))["last"] or 0) + 1
        record.revision = 1
    else:
        record.revision += 1
    _stamp(record, user=user, now=now)
    record.save()
    form.save_m2m()
    return record


@transaction.atomic
def save_record(
    *,
    plan: Plan,
    question,
    data,
    user,
    record_id: int | None = None,
    base_revision: int = 0,
    prefix: str | None = None,
) -> RecordSaveResult:
    """Add a row to a record set (no `record_id`) or change one, from form data.

    Raises InvalidRecord with the form's errors (nothing is stored), RecordConflict when
    the row changed since `base_revision` or is gone, RecordRefused when the table is
    full, RecordsLocked while the plan's answers are locked."""
    record_type = record_type_of(question)
    now = timezone.now()
    _stamp_plan(plan, question, now)
    rows = _rows(record_type, plan, question)
    record = None
    if record_id is not None:
        record = _row_at_revision(rows, record_type, record_id=record_id, revision=base_revision)
    else:
        _refuse_another_row(rows, record_type)
    instance = record or record_type.model(plan=plan, question=question)
    form = record_type.form(data, instance=instance, plan=plan, prefix=prefix)
    if not form.is_valid():
        raise InvalidRecord(form)
    if record is not None and not form.has_changed():
        transaction.set_rollback(True)  # the plan's stamp: nothing changed
        return RecordSaveResult(record=record, changed=False)
    record = _save_form_row(form, rows, user=user, now=now)
    if record_id is None:
        _count_rows(plan=plan, question=question, record_type=record_type, user=user, now=now)
    else:
        _row_changed(plan=plan, question=question, record_type=record_type, user=user, now=now)
    return RecordSaveResult(record=record, changed=True)


@transaction.atomic
def delete_record(
    *, plan: Plan, question, record_id: int, user, base_revision: int | None = None
) -> PlanRecord:
    """Delete one row (its history keeps it). Raises RecordConflict when it is gone, or
    when it changed since `base_revision` (when given: the API's deletes carry one)."""
    record_type = record_type_of(question)
    now = timezone.now()
    _stamp_plan(plan, question, now)
    rows = _rows(record_type, plan, question)
    if base_revision is not None:
        record = _row_at_revision(rows, record_type, record_id=record_id, revision=base_revision)
    else:
        record = rows.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise RecordConflict(None, record_type.row_name)
    _stamp(record, user=user, now=now)
    record.delete()
    _count_rows(plan=plan, question=question, record_type=record_type, user=user, now=now)
    return record


@transaction.atomic
def move_record(*, plan: Plan, question, record_id: int, step: int, user) -> None:
    """Move one row of an ordered table up (negative `step`) or down by `step` places
    (the page's buttons: one place); a move past either end moves nothing. Its revision
    stays, so that someone editing its cells meanwhile is not refused."""
    record_type = record_type_of(question)
    if not record_type.ordered:
        raise RecordRefused(f"The order of {record_type.label.lower()} means nothing to change.")
    now = timezone.now()
    _stamp_plan(plan, question, now)
    rows = list(_rows(record_type, plan, question).select_for_update().order_by("position", "pk"))
    index = next((i for i, row in enumerate(rows) if row.pk == record_id), None)
    if index is None:
        raise RecordConflict(None, record_type.row_name)
    target = index + step
    if not 0 <= target < len(rows):
        transaction.set_rollback(True)  # the plan's stamp: nothing moved
        return
    rows.insert(target, rows.pop(index))
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            _stamp(row, user=user, now=now)
            row.save(update_fields=["position", "updated_by", "updated_at"])
    _row_changed(plan=plan, question=question, record_type=record_type, user=user, now=now)
