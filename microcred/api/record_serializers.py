"""The API's record rows as JSON: a row's fields as the plan JSON file carries them
(transfer.plan_json: row_fields, row_cell), and the form data that the record type's
form (the one the phase pages use) receives from such fields. Also the error bodies the
record, comment and workflow endpoints answer."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.datastructures import MultiValueDict
from rest_framework import serializers

from microcred.plans.services import display_name
from microcred.records.models import PlanRecord
from microcred.records.types import RecordType
from microcred.transfer.plan_json import RowKey, row_cell, row_fields

from .errors import INVALID
from .strict import INTEGER_MAX as REVISION_MAX
from .strict import StrictSerializer

# Row ids are big integers: a larger number names no row (and a database refuses it).
ROW_ID_MAX = 2**63 - 1


def person_name(user) -> str | None:
    """A person as the API names them (null for one whose account is gone)."""
    return display_name(user) if user else None


def _linked_rows(rows: Iterable[PlanRecord], fields: list[models.Field]) -> dict[RowKey, int]:
    """The rows that `rows` link to, each named by its id: in the API a link is the id of
    the row it names (in a plan file, that row's id in the file)."""
    keys: set[RowKey] = set()
    for row in rows:
        for model_field in fields:
            if model_field.many_to_many:
                related = model_field.related_model
                keys.update((related, other.pk) for other in getattr(row, model_field.name).all())
            elif model_field.many_to_one and getattr(row, model_field.attname) is not None:
                keys.add((model_field.related_model, getattr(row, model_field.attname)))
    return {key: key[1] for key in keys}


def row_data(record_type: RecordType, rows: list[PlanRecord]) -> list[dict[str, Any]]:
    """Each row as the API shows it. Reads nothing the rows do not hold (their links'
    many-to-many fields prefetched, as RecordType.rows_of reads them)."""
    fields = row_fields(record_type)
    ids = _linked_rows(rows, fields)
    return [
        {
            "id": row.pk,
            "position": row.position,
            "revision": row.revision,
            "updated_at": row.updated_at,
            "updated_by": person_name(row.updated_by),
            "fields": {field.name: row_cell(row, field, ids) for field in fields},
        }
        for row in rows
    ]


def _is_row_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ROW_ID_MAX


def _type_refusal(model_field: models.Field, value: object) -> str:
    """Why a JSON value cannot be a cell of this field ("" when it can be one)."""
    if model_field.many_to_many:
        if not isinstance(value, list) or not all(_is_row_id(item) for item in value):
            return "Expected a list of row ids."
    elif model_field.many_to_one:
        if value is not None and not _is_row_id(value):
            return "Expected a row's id or null."
    elif isinstance(model_field, models.BooleanField):
        if not isinstance(value, bool):
            return "Expected true or false."
    elif value is not None and (
        isinstance(value, bool) or not isinstance(value, str | int | float)
    ):
        return "Expected a string, a number or null."
    return ""


def form_data(record_type: RecordType, fields: Mapping[str, object]) -> MultiValueDict[str, str]:
    """The row's fields, in their plan-file shape, as the record type's form receives them
    (no prefix). A field the rows do not have, or a value of the wrong JSON type, raises
    ValidationError (under `fields`); the form checks the rest."""
    known = {model_field.name: model_field for model_field in row_fields(record_type)}
    refusals: dict[str, list[str]] = {}
    data: MultiValueDict[str, str] = MultiValueDict()
    for name, value in fields.items():
        model_field = known.get(name)
        if model_field is None:
            refusals[name] = [f"{record_type.label} have no field “{name}”."]
            continue
        refusal = _type_refusal(model_field, value)
        if refusal:
            refusals[name] = [refusal]
        elif isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    if refusals:
        raise serializers.ValidationError({"fields": refusals})
    return data


def invalid_row_body(detail: str, errors: Mapping[str, Iterable[object]]) -> dict:
    """A 400's body for a row its form refused: the page's message, and the form's
    messages by field (`non_field_errors` for the row as a whole)."""
    by_field = {
        "non_field_errors" if name == "__all__" else name: [str(message) for message in messages]
        for name, messages in errors.items()
    }
    return {"detail": detail or INVALID, "errors": {"fields": by_field}}


# Requests.

FIELDS_HELP = (
    "The row's fields by name, as the plan JSON file carries them: text and choices as "
    "strings, amounts and other decimals as strings (numbers are taken too), dates as "
    "YYYY-MM-DD, yes/no as true or false, a link to another row as its id (a list of ids "
    "for several)."
)


class RowCreateSerializer(StrictSerializer):
    fields = serializers.DictField(help_text=FIELDS_HELP)


class RowChangeSerializer(StrictSerializer):
    revision = serializers.IntegerField(
        min_value=0,
        max_value=REVISION_MAX,
        required=False,
        help_text="The revision the change starts from; or send it as If-Match.",
    )
    fields = serializers.DictField(help_text=FIELDS_HELP)


class RowDeleteSerializer(serializers.Serializer):
    """DELETE's query: the revision, unless sent as If-Match."""

    revision = serializers.IntegerField(
        min_value=0,
        max_value=REVISION_MAX,
        required=False,
        help_text="The revision of the row to delete; or send it as If-Match.",
    )


class RowMoveSerializer(StrictSerializer):
    step = serializers.ChoiceField(
        choices=[-1, 1], required=False, help_text="-1: one place up; 1: one place down."
    )
    position = serializers.IntegerField(
        min_value=1,
        max_value=REVISION_MAX,
        required=False,
        help_text="The row's new place, from 1 (the first).",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if ("step" in attrs) == ("position" in attrs):
            raise serializers.ValidationError("Send either “step” or “position”.")
        return attrs


# Responses.


class RowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="Its place in the table (rows come in order).")
    revision = serializers.IntegerField(
        help_text="Raised by every change; a change or delete starts from it."
    )
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField(allow_null=True, help_text="Who changed it last.")
    fields = serializers.DictField(help_text=FIELDS_HELP)


class RecordTableSerializer(serializers.Serializer):
    question_key = serializers.CharField()
    record_type = serializers.CharField(help_text="The record type, e.g. planning.price_tiers.")
    label = serializers.CharField()
    row_name = serializers.CharField(help_text="What one row is called, e.g. “price tier”.")
    ordered = serializers.BooleanField(help_text="Whether its rows may be moved.")
    max_rows = serializers.IntegerField(help_text="How many rows it holds at most.")
    field_names = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)
