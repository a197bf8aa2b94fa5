"""A row's cells: the input of each editable cell, written directly (a table of a hundred
cells and more renders far faster than through Django's widget templates), and the text
of each cell as tables, the PDF and the history show it."""

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from django import forms
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from microcred.questionnaires.kinds import date_text, money_text

from .models import PlanRecord, RecordT

# The rows a column can show: a column that reads any record shows a phase app's rows too.
RowT_contra = TypeVar("RowT_contra", bound=PlanRecord, contravariant=True)


@dataclass(frozen=True)
class Column(Generic[RowT_contra]):
    """One column of a record set's table: a model field, or a value computed from the
    row (`value`), with a heading (the field's verbose name by default)."""

    field: str = ""
    heading: str = ""
    value: Callable[[RowT_contra], str] | None = None
    # For a money field: the field holding its currency.
    currency: str = ""
    numeric: bool = False


def _attributes(attrs: dict) -> str:
    """HTML attributes, escaped: what flatatt does, in one pass (it is called for every
    cell of every table)."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{html.escape(str(value), quote=True)}"')
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


@dataclass(frozen=True)
class ChoiceSource:
    """The table, on the same page, whose rows a cell's list offers (a forecast's price
    tier): an empty list says what to add there first, with a link to it."""

    key: str  # its record-set question's key: the table is at #rs-<key>
    label: str  # "Price tiers"
    row_name: str  # "price tier"


def _empty_list_hint(source: ChoiceSource, hint_id: str) -> str:
    article = "an" if source.row_name[:1] in "aeiou" else "a"
    return format_html(
        '<p class="form-text small mb-0" id="{}">No {} yet: <a href="#rs-{}">add {} {}</a> '
        "first.</p>",
        hint_id,
        source.label.lower(),
        source.key,
        article,
        source.row_name,
    )


def cell_input(field, source: ChoiceSource | None = None, *, oob: bool = False) -> str:
    """One editable cell's input, written out directly from its bound form field. A page of
    tables has a hundred cells and more: rendering each through Django's widget templates
    was most of a phase page's time.

    A list of another table's rows (`source`) is wrapped in an element of its own id, that
    a change of that table replaces out of band (`oob` for the replacement), and says what
    to add while it is empty."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(dict(widget.attrs))
    attrs["id"] = field.auto_id
    described_by = [f"{field.auto_id}_helptext"] if field.help_text else []
    if field.errors:
        attrs["aria-invalid"] = "true"
    value = field.value()
    if isinstance(widget, forms.Select | forms.CheckboxSelectMultiple):
        # Read once: a list of rows not shared with other rows' forms is a query.
        choices = list(widget.choices)
        hint = ""
        if source is not None and not any(option != "" for option, _ in choices):
            hint = _empty_list_hint(source, f"{field.auto_id}_source")
            described_by.append(f"{field.auto_id}_source")
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        if isinstance(widget, forms.CheckboxSelectMultiple):
            cell = _checkboxes(field, choices, attrs, value, empty=hint)
        else:
            cell = format_html("{}{}", _select(field, widget, choices, attrs, value), hint)
        if source is None:
            return cell
        return format_html(
            '<div class="record-choices" id="choices-{}"{}>{}</div>',
            field.auto_id,
            mark_safe(' hx-swap-oob="true"') if oob else "",  # noqa: S308 - a constant
            cell,
        )
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if isinstance(widget, forms.Textarea):
        text = widget.format_value(value) or ""
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', field.html_name, _attributes(attrs), text
        )
    attrs["type"] = widget.input_type
    # A box's value is whether it is ticked, which format_value leaves out.
    if isinstance(widget, forms.CheckboxInput) and widget.check_test(value):
        attrs["checked"] = True
    formatted = widget.format_value(value)
    if formatted is not None:
        attrs["value"] = formatted
    return format_html('<input name="{}"{}>', field.html_name, _attributes(attrs))


def _select(field, widget, choices, attrs, value) -> str:
    chosen = (
        {str(v) for v in (value or [])}
        if widget.allow_multiple_selected
        else {"" if value is None else str(value)}
    )
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (option, " selected" if str(option) in chosen else "", label)
            for option, label in choices
        ),
    )
    return format_html(
        '<select name="{}"{}>{}</select>', field.html_name, _attributes(attrs), options
    )


def _checkboxes(field, choices, attrs, value, *, empty: str) -> str:
    chosen = {str(v) for v in (value or [])}
    common = {k: v for k, v in attrs.items() if k in ("form", "disabled")}
    boxes = format_html_join(
        "",
        '<div class="form-check"><input type="checkbox" class="form-check-input" name="{}" '
        'value="{}" id="{}_{}"{}{}><label class="form-check-label" for="{}_{}">{}</label></div>',
        (
            (
                field.html_name,
                option,
                field.auto_id,
                index,
                " checked" if str(option) in chosen else "",
                _attributes(common),
                field.auto_id,
                index,
                label,
            )
            for index, (option, label) in enumerate(choices)
        ),
    )
    return format_html(
        '<div role="group" id="{}" aria-label="{}">{}</div>',
        field.auto_id,
        attrs.get("aria-label", field.label),
        boxes
        or empty
        or format_html('<span class="small text-body-secondary">{}</span>', "None yet"),
    )


def cell_text(record: RecordT, column: Column[RecordT]) -> str:
    """What one cell shows, as plain text: the same in the page, the PDF and the diffs."""
    if column.value is not None:
        return column.value(record)
    model_field = record._meta.get_field(column.field)
    if model_field.many_to_many:
        return ", ".join(str(other) for other in getattr(record, column.field).all())
    value = getattr(record, column.field)
    if value is None or value == "":
        return ""
    # Only a field of the row's own has choices (a reverse relation is never a column).
    if isinstance(model_field, models.Field) and model_field.choices:
        return str(getattr(record, f"get_{column.field}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        if column.currency:
            return money_text(value, getattr(record, column.currency))
        return f"{value.normalize():,f}"
    if isinstance(value, datetime.date):
        return date_text(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
