"""Record sets: answers that are tables of typed rows, each row a record of a phase app.

A phase app defines, for each table its questions call for, a model (a `PlanRecord`), a
form (a `RecordForm`) and a `RecordType` that names them with the table's columns, its
figures and its PDF partial. `registry.py` lists every record type in one registry; a
record-set question names one of them.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Generic

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet

from microcred.questionnaires.models import Question

from .cells import ChoiceSource, Column, cell_input, cell_text
from .forms import RecordForm, choice_options, offer_choices, share_choices
from .models import CURRENCY, MAX_ROWS, PlanRecord, RecordT, RowsPlan


@dataclass(frozen=True)
class Figure:
    """A number computed from a record set, such as a total, shown under its table."""

    label: str
    value: str


def _no_figures(rows: Sequence[PlanRecord]) -> list[Figure]:
    return []


@dataclass(frozen=True)
class RecordType(Generic[RecordT]):
    """What a record-set question names: one phase app's table of typed rows."""

    name: str  # "<phase app label>.<table>", e.g. "planning.price_tiers"
    label: str  # "Price tiers"
    model: type[RecordT]
    form: type[RecordForm]
    columns: Sequence[Column[RecordT] | str]
    # What to add, said on an empty table: "Add each price you will charge ...".
    empty_text: str
    # A row's name in messages and history ("price tier").
    row_name: str
    ordered: bool = False  # planners reorder the rows (their order means something)
    single_row: bool = False  # a table of exactly one row at most (a rule, not a list)
    figures: Callable[[list[RecordT]], list[Figure]] = _no_figures
    # The partial that shows the table in the PDF and print preview (context: record_set).
    pdf_template: str = "records/_table.html"
    # A partial shown after the table in the page and the PDF (context: record_set), such
    # as the delivery platforms' integration matrix.
    summary_template: str = ""
    max_rows: int = MAX_ROWS

    @property
    def app_label(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def most_rows(self) -> int:
        """How many rows a table of this type may hold."""
        return 1 if self.single_row else self.max_rows

    def refusal_of_another_row(self, rows: int) -> str:
        """Why a table of this type holding `rows` rows takes no other ("" when it does)."""
        if self.single_row and rows:
            return f"{self.label} holds one {self.row_name}: change the one there."
        if rows >= self.max_rows:
            return (
                f"{self.label} holds at most {self.max_rows} rows: delete one before adding "
                "another."
            )
        return ""

    def column_list(self) -> list[Column[RecordT]]:
        meta = self.model._meta
        columns: list[Column[RecordT]] = []
        for column in self.columns:
            if isinstance(column, str):
                column = Column(field=column)
            if column.field and not column.heading:
                model_field = meta.get_field(column.field)
                if not isinstance(model_field, models.Field):
                    raise ImproperlyConfigured(f"{self.name}: {column.field} is no row field")
                heading = str(model_field.verbose_name)
                column = Column(
                    field=column.field,
                    heading=heading[:1].upper() + heading[1:],
                    currency=column.currency,
                    numeric=column.numeric
                    or isinstance(
                        model_field, models.DecimalField | models.IntegerField | models.FloatField
                    ),
                )
            columns.append(column)
        return columns

    def choice_models(self) -> dict[str, type[models.Model]]:
        """The row form's lists of rows, by field: the model whose rows each offers."""
        return {
            name: form_field.queryset.model
            for name, form_field in self.form.base_fields.items()
            if isinstance(form_field, forms.ModelChoiceField) and form_field.queryset is not None
        }

    def related_names(self) -> tuple[list[str], list[str]]:
        """The row's foreign keys and many-to-many fields, to load with the rows."""
        foreign: list[str] = []
        many: list[str] = []
        for model_field in self.model._meta.get_fields():
            if model_field.name in ("plan", "question", "updated_by") or model_field.auto_created:
                continue
            if model_field.many_to_many:
                many.append(model_field.name)
            elif model_field.many_to_one:
                foreign.append(model_field.name)
        return foreign, many

    def rows_of(
        self, plan: RowsPlan, question_ids: Iterable[int] | None = None
    ) -> QuerySet[RecordT]:
        """The plan's rows of this type (of the given record-set questions), with what
        their cells show, in a fixed number of queries."""
        rows = self.model._default_manager.filter(plan=plan)
        if question_ids is not None:
            rows = rows.filter(question_id__in=question_ids)
        return self._with_cells(rows)

    def rows_of_plans(self, plans: Iterable[RowsPlan]) -> QuerySet[RecordT]:
        """The rows of this type of all of `plans`, as `rows_of` reads one plan's, in as
        many queries as one plan's take."""
        return self._with_cells(self.model._default_manager.filter(plan__in=list(plans)))

    def _with_cells(self, rows: QuerySet[RecordT]) -> QuerySet[RecordT]:
        foreign, many = self.related_names()
        return rows.select_related("updated_by", *foreign).prefetch_related(*many)


@dataclass
class RecordTable(Generic[RecordT]):
    """One record-set question's rows as a page or the PDF shows them."""

    record_type: RecordType[RecordT]
    question: Question  # a record-set question
    rows: list[RecordT]
    # The tables on the page whose rows the row form's lists offer, by field.
    choice_sources: dict[str, ChoiceSource] = field(default_factory=dict)
    # The rows the lists offer, by model, when read with the table's (else each form's
    # lists are read once for the table: editor_forms).
    choice_rows: Mapping[type[models.Model], Sequence[PlanRecord]] | None = None

    @cached_property
    def columns(self) -> list[Column[RecordT]]:
        return self.record_type.column_list()

    @cached_property
    def body(self) -> list[tuple[RecordT, list[tuple[Column[RecordT], str]]]]:
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

    @cached_property
    def _offered(self) -> dict[type[models.Model], list[tuple[Any, str]]]:
        return {model: choice_options(rows) for model, rows in (self.choice_rows or {}).items()}

    def row_form(
        self,
        row: RecordT | None = None,
        *,
        plan: RowsPlan,
        data: Mapping[str, object] | None = None,
        number: int | None = None,
    ) -> RecordForm:
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
        if self.choice_rows is not None:
            offer_choices(form, self._offered)
        return form

    def cell(self, bound_field: forms.BoundField) -> str:
        """A row's editable cell (plans/records/_editor_row.html): a list of another table's
        rows says where to add them while it is empty."""
        return cell_input(bound_field, self.choice_sources.get(bound_field.name))

    def cells_listing(self, source_key: str, row_forms: Iterable[RecordForm]) -> list[str]:
        """The cells of `row_forms` whose lists offer the rows of the table `source_key`,
        as they are now, each to replace its like out of band: what a change of that
        table refreshes."""
        sources = [(name, s) for name, s in self.choice_sources.items() if s.key == source_key]
        return [
            cell_input(form[name], source, oob=True)
            for form in row_forms
            for name, source in sources
        ]

    def editor_forms(self, plan: RowsPlan) -> list[tuple[RecordT, RecordForm]]:
        """A form per row, whose lists of other records are read once for the table."""
        forms_by_row = [
            (row, self.row_form(row, plan=plan, number=number))
            for number, row in enumerate(self.rows, start=1)
        ]
        if forms_by_row and self.choice_rows is None:
            share_choices([form for _, form in forms_by_row])
        return forms_by_row


def amounts_by_currency(rows: Iterable[PlanRecord], *, field: str) -> dict[str, list[Decimal]]:
    """The rows' amounts of a money field, by currency in the order they first appear;
    amounts in different currencies are never added together."""
    amounts: dict[str, list[Decimal]] = {}
    for row in rows:
        amount = getattr(row, field)
        if amount is not None:
            amounts.setdefault(getattr(row, CURRENCY), []).append(amount)
    return amounts
