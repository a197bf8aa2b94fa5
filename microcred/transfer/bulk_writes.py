"""Writing what an import checked, in bulk: each answer and row a first revision by the
importer, with its history (django-simple-history's records, made in bulk too). Answers
take two inserts, and the rows of a record type two more, and one per field linking to
several rows, however many there are (on SQLite, whose statements hold at most 999
values, an insert of many rows is cut in a few). The inserts return the new rows' pks
(on PostgreSQL and SQLite), which their history and the rows linking to them take."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import models

from microcred.plans.answers import history_manager
from microcred.plans.models import Answer
from microcred.records.models import PlanRecord


def _as_first_revision(
    instances: Iterable[Answer | PlanRecord], *, user: User, now: datetime.datetime
) -> None:
    for instance in instances:
        instance.revision = 1
        instance.updated_by = user
        instance.updated_at = now


def _create_with_history(
    instances: list[Any], model: type[models.Model], *, user: User, now: datetime.datetime
) -> None:
    """Insert the new instances, then their history: as each were saved by `user` at
    `now` (as simple_history's bulk_create_with_history does, on databases that return
    the pks of the rows a bulk insert makes)."""
    model._default_manager.bulk_create(instances)
    history_manager(model).bulk_history_create(
        instances, default_user=user, default_date=now, default_change_reason=None
    )


def store_answers(answers: list[Answer], *, user: User, now: datetime.datetime) -> None:
    """Store new answers, each a first revision by `user` at `now`, with their history."""
    _as_first_revision(answers, user=user, now=now)
    _create_with_history(answers, Answer, user=user, now=now)


@dataclass
class NewRow:
    """A checked row of an import, to store."""

    record: PlanRecord
    order: int  # its place among the file's rows
    # Its fields linking to several rows (a platform's integrations), by name: the rows
    # each names, stored already or with it.
    links: dict[str, list[PlanRecord]]


def _store_links(model: type[PlanRecord], rows: list[NewRow]) -> None:
    """Store the rows' links to several rows: one insert per field that links any."""
    for name in dict.fromkeys(name for row in rows for name, others in row.links.items() if others):
        model_field = cast(models.ManyToManyField, model._meta.get_field(name))
        through = cast(type[models.Model], model_field.remote_field.through)
        source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
        through._default_manager.bulk_create(
            through(**{source: row.record, target: other})
            for row in rows
            for other in row.links.get(name, [])
        )


def store_rows(rows: list[NewRow], *, user: User, now: datetime.datetime) -> None:
    """Store new rows of one record type, each a first revision by `user` at `now`, with
    their history and links, each table's rows in the file's order. The rows they link
    to by a foreign key must be stored already."""
    if not rows:
        return
    in_file = sorted(rows, key=lambda row: row.order)
    positions: dict[int, int] = {}  # question id: the last position given
    for row in in_file:
        question_id = row.record.question_id
        positions[question_id] = row.record.position = positions.get(question_id, 0) + 1
    records = [row.record for row in in_file]
    _as_first_revision(records, user=user, now=now)
    model = type(records[0])
    _create_with_history(records, model, user=user, now=now)
    _store_links(model, in_file)
