"""Record sets: answers that are tables of typed rows, each row a record of a phase app.

A phase app defines, for each table its questions call for, a model (a `PlanRecord`), a
form (a `RecordForm`) and a `RecordType` that names them with the table's columns, its
figures and its PDF partial. `record_sets.py` lists every record type in one registry;
a record-set question names one of them.

Each row belongs to one plan and one question (the record-set question it answers), so
that rows follow their question's key when the plan moves to a newer template version,
as answers do, and stay with the old question when the new version does not ask it.
"""

import datetime
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalRecords

from microcred.questionnaires.kinds import CURRENCIES, SHORT_TEXT_MAX, date_text, money_text

# A record set holds at most this many rows: enough for any real plan, and a bound on
# what a page or a PDF has to show.
MAX_ROWS = 200
# Money within the bounds of the money kind: below 10^15, two decimal places.
MONEY_DIGITS = 17
# The field that holds the currency of a row's amounts (see `currency_field`).
CURRENCY = "currency"


def other_currency_refusal(currency: str) -> str:
    return (
        f"This plan's amounts are in {currency}; change the plan's currency or enter the "
        f"amount in {currency}."
    )


class PlanRecord(models.Model):
    """One row of a record set. Subclasses add the typed fields of their table."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        "questionnaires.Question", on_delete=models.PROTECT, related_name="+"
    )
    # The row's place in its table (tables whose order matters let planners reorder them).
    position = models.PositiveIntegerField(default=0)
    # Raised by every change, so that two people never silently overwrite one row.
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """An amount of money, paired in its model with a `currency_field()`."""
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "An amount cannot be negative.")],
        **kwargs,
    )


def currency_field(verbose_name: str = "currency", **kwargs) -> models.CharField:
    """The currency of a row's amounts: always its plan's, which its form sets."""
    return models.CharField(verbose_name, max_length=3, choices=CURRENCIES, default="USD", **kwargs)


def money_field_names(model) -> list[str]:
    """The names of a record model's amounts of money: its `money_field`s, in a model that
    has a `currency_field` (a decimal of the same shape without one is not money)."""
    if CURRENCY not in {model_field.name for model_field in model._meta.fields}:
        return []
    return [
        model_field.name
        for model_field in model._meta.fields
        if isinstance(model_field, models.DecimalField)
        and (model_field.max_digits, model_field.decimal_places) == (MONEY_DIGITS, 2)
    ]


def short_text_field(verbose_name: str, **kwargs) -> models.CharField:
    return models.CharField(verbose_name, max_length=SHORT_TEXT_MAX, **kwargs)


class ShownCurrencyField(forms.CharField):
    """The currency a row's page showed, sent back with the row. A form shown again (after
    a refusal) shows the plan's currency, not the one refused."""

    widget = forms.HiddenInput

    def bound_data(self, data, initial):
        return initial


class RecordForm(forms.ModelForm):
    """The form of one row. Choices of other records (a channel's segment) are limited to
    the rows of the same plan, other than the row itself.

    A plan has one currency: a row's amounts are typed in it (their labels say which) and
    stored with it. The form carries the currency its page showed in a hidden field, so
    that an amount typed on a page from before the plan's currency changed is refused
    rather than stored in a currency its writer never saw; so is a change to a row saved
    in another currency that leaves its amount as it was."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for form_field in self.fields.values():
            if isinstance(form_field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
                queryset = form_field.queryset.filter(plan=plan)
                if self.instance.pk and form_field.queryset.model is type(self.instance):
                    queryset = queryset.exclude(pk=self.instance.pk)
                form_field.queryset = queryset
        self.amount_fields = [
            name for name in money_field_names(self._meta.model) if name in self.fields
        ]
        if self.amount_fields:
            self.fields[CURRENCY] = ShownCurrencyField(required=False, label="Currency")
            self.initial[CURRENCY] = plan.currency
            for name in self.amount_fields:
                self.fields[name].label = f"{self.fields[name].label} ({plan.currency})"

    def clean(self):
        cleaned_data = super().clean()
        if self.amount_fields:
            self._take_plan_currency(cleaned_data)
        return cleaned_data

    def _take_plan_currency(self, cleaned_data) -> None:
        currency = self.plan.currency
        typed_in = (cleaned_data.get(CURRENCY) or currency).upper()
        amounts = [name for name in self.amount_fields if cleaned_data.get(name) is not None]
        saved_in_another = self.instance.pk and self.instance.currency != currency
        retyped = any(name in self.changed_data for name in amounts)
        if typed_in != currency or (saved_in_another and not retyped):
            for name in amounts:
                self.add_error(name, other_currency_refusal(currency))
        self.instance.currency = currency


@dataclass(frozen=True)
class Column:
    """One column of a record set's table: a model field, or a value computed from the
    row (`value`), with a heading (the field's verbose name by default)."""

    field: str = ""
    heading: str = ""
    value: Callable[[PlanRecord], str] | None = None
    # For a money field: the field holding its currency.
    currency: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class Figure:
    """A number computed from a record set, such as a total, shown under its table."""

    label: str
    value: str


@dataclass(frozen=True)
class RecordType:
    """What a record-set question names: one phase app's table of typed rows."""

    name: str  # "<phase app label>.<table>", e.g. "planning.price_tiers"
    label: str  # "Price tiers"
    model: type[PlanRecord]
    form: type[RecordForm]
    columns: Sequence[Column | str]
    # What to add, said on an empty table: "Add each price you will charge ...".
    empty_text: str
    # A row's name in messages and history ("price tier").
    row_name: str
    ordered: bool = False  # planners reorder the rows (their order means something)
    single_row: bool = False  # a table of exactly one row at most (a rule, not a list)
    figures: Callable[[list[PlanRecord]], list[Figure]] = field(default=lambda rows: [])
    # The partial that shows the table in the PDF and print preview (context: record_set).
    pdf_template: str = "plans/records/_table.html"
    # A partial shown after the table in the page and the PDF (context: record_set), such
    # as the delivery platforms' integration matrix.
    summary_template: str = ""
    max_rows: int = MAX_ROWS

    @property
    def app_label(self) -> str:
        return self.name.split(".", 1)[0]

    def column_list(self) -> list[Column]:
        meta = self.model._meta
        columns = []
        for column in self.columns:
            if isinstance(column, str):
                column = Column(field=column)
            if column.field and not column.heading:
                heading = str(meta.get_field(column.field).verbose_name)
                column = Column(
                    field=column.field,
                    heading=heading[:1].upper() + heading[1:],
                    currency=column.currency,
                    numeric=column.numeric
                    or isinstance(
                        meta.get_field(column.field),
                        models.DecimalField | models.IntegerField | models.FloatField,
                    ),
                )
            columns.append(column)
        return columns

    def related_names(self) -> tuple[list[str], list[str]]:
        """The row's foreign keys and many-to-many fields, to load with the rows."""
        foreign, many = [], []
        for model_field in self.model._meta.get_fields():
            if model_field.name in ("plan", "question", "updated_by") or model_field.auto_created:
                continue
            if model_field.many_to_many:
                many.append(model_field.name)
            elif model_field.many_to_one:
                foreign.append(model_field.name)
        return foreign, many

    def rows_of(self, plan, question_ids=None):
        """The plan's rows of this type (of the given record-set questions), with what
        their cells show, in a fixed number of queries."""
        foreign, many = self.related_names()
        rows = self.model.objects.filter(plan=plan)
        if question_ids is not None:
            rows = rows.filter(question_id__in=question_ids)
        return rows.select_related("updated_by", *foreign).prefetch_related(*many)


@dataclass
class RecordTable:
    """One record-set question's rows as a page or the PDF shows them."""

    record_type: RecordType
    question: object  # the record-set Question
    rows: list[PlanRecord]

    @cached_property
    def columns(self) -> list[Column]:
        return self.record_type.column_list()

    @cached_property
    def body(self) -> list[tuple[PlanRecord, list[tuple[Column, str]]]]:
        """Each row with its cells: each column with its text."""
        return [
            (row, [(column, cell_text(row, column)) for column in self.columns])
            for row in self.rows
        ]

    @cached_property
    def figures(self) -> list[Figure]:
        return self.record_type.figures(self.rows) if self.rows else []

    @property
    def key(self) -> str:
        return self.question.key

    def row_form(self, row=None, *, plan, data=None, number=None) -> RecordForm:
        """The form of one row (a new one without `row`), each field labelled with its
        column and row (`number`, counted from 1, in the table), and tied by its `form`
        attribute to the row's own form element: the table sits inside the page's
        answers form, which must not send it."""
        prefix = f"{self.key}-{row.pk if row else 'new'}"
        instance = row or self.record_type.model(plan=plan, question=self.question)
        form = self.record_type.form(data, instance=instance, plan=plan, prefix=prefix)
        row_name = self.record_type.row_name
        where = f"new {row_name}" if row is None else f"{row_name} {number or ''}".strip()
        for form_field in form.fields.values():
            widget = form_field.widget
            css = "form-control form-control-sm"
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            widget.attrs.update(
                {
                    "form": f"rowform-{prefix}",
                    "aria-label": f"{form_field.label}, {where}",
                    "class": f"{css} {widget.attrs.get('class', '')}".strip(),
                }
            )
        return form

    def editor_forms(self, plan) -> list[tuple[PlanRecord, RecordForm]]:
        """A form per row, whose lists of other records are read once for the table."""
        forms_by_row = [
            (row, self.row_form(row, plan=plan, number=number))
            for number, row in enumerate(self.rows, start=1)
        ]
        if forms_by_row:
            _share_choices([form for _, form in forms_by_row])
        return forms_by_row


def amounts_by_currency(rows, *, field: str) -> dict[str, list[Decimal]]:
    """The rows' amounts of a money field, by currency in the order they first appear;
    amounts in different currencies are never added together."""
    amounts: dict[str, list[Decimal]] = {}
    for row in rows:
        amount = getattr(row, field)
        if amount is not None:
            amounts.setdefault(row.currency, []).append(amount)
    return amounts


def _share_choices(forms_of_rows: list[RecordForm]) -> None:
    """Give every row's lists of other records the choices read once, instead of one
    query per row and list; a row is never offered as its own choice."""
    first = forms_of_rows[0]
    for name, form_field in first.fields.items():
        if not isinstance(form_field, forms.ModelChoiceField):
            continue
        model = form_field.queryset.model
        everyone = list(model.objects.filter(plan=first.plan))
        for form in forms_of_rows:
            own = form.instance.pk if model is type(form.instance) else None
            options = [(other.pk, str(other)) for other in everyone if other.pk != own]
            if not isinstance(form_field, forms.ModelMultipleChoiceField):
                options.insert(0, ("", "---------"))
            form.fields[name].widget.choices = options


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


def cell_input(field) -> str:
    """One editable cell's input, written out directly from its bound form field. A page of
    tables has a hundred cells and more: rendering each through Django's widget templates
    was most of a phase page's time."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(dict(widget.attrs))
    attrs["id"] = field.auto_id
    if field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_helptext"
    if field.errors:
        attrs["aria-invalid"] = "true"
    value = field.value()
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _checkboxes(field, widget, attrs, value)
    if isinstance(widget, forms.Select):
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
                for option, label in widget.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', field.html_name, _attributes(attrs), options
        )
    if isinstance(widget, forms.Textarea):
        text = widget.format_value(value) or ""
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', field.html_name, _attributes(attrs), text
        )
    attrs["type"] = widget.input_type
    formatted = widget.format_value(value)
    if formatted is not None:
        attrs["value"] = formatted
    return format_html('<input name="{}"{}>', field.html_name, _attributes(attrs))


def _checkboxes(field, widget, attrs, value) -> str:
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
            for index, (option, label) in enumerate(widget.choices)
        ),
    )
    return format_html(
        '<div role="group" id="{}" aria-label="{}">{}</div>',
        field.auto_id,
        attrs.get("aria-label", field.label),
        boxes or format_html('<span class="small text-body-secondary">{}</span>', "None yet"),
    )


def cell_text(record: PlanRecord, column: Column) -> str:
    """What one cell shows, as plain text: the same in the page, the PDF and the diffs."""
    if column.value is not None:
        return column.value(record)
    model_field = record._meta.get_field(column.field)
    if model_field.many_to_many:
        return ", ".join(str(other) for other in getattr(record, column.field).all())
    value = getattr(record, column.field)
    if value is None or value == "":
        return ""
    if model_field.choices:
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
