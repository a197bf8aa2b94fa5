"""The form of one row of a record set (`RecordForm`), which every phase app's row forms
extend: choices limited to the plan's own rows, amounts in the plan's currency."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import Truncator

from microcred.questionnaires.kinds import plain_number
from microcred.questionnaires.typed_text import check_form_text

from .models import CURRENCY, PlanRecord, RowsPlan, money_field_names


def other_currency_refusal(currency: str) -> str:
    return (
        f"This plan's amounts are in {currency}; change the plan's currency or enter the "
        f"amount in {currency}."
    )


# The inputs of a row's cells that phase apps share: a date picker, an amount, a count.
# Numbers are typed in text inputs: a number input sends what the browser makes of the
# typing, and Chromium makes 45000 of "450,00" in English, which the server cannot tell
# from an amount typed as 45000. Typed as text, plain_number refuses it with why.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_INPUT = forms.TextInput(attrs={"inputmode": "decimal"})
COUNT_INPUT = forms.TextInput(attrs={"inputmode": "numeric"})


def _plain_text(value: object, message: str) -> object:
    """Typing read as the answers' numbers are (plain_number: thousands separators taken
    out, a decimal comma or "1_000" refused with why); anything else as it is."""
    if isinstance(value, str) and value.strip():
        return plain_number(value.strip(), message)
    return value


class PlainDecimalField(forms.DecimalField):
    """A decimal cell read as a person types it."""

    def to_python(self, value):
        return super().to_python(_plain_text(value, str(self.error_messages["invalid"])))


class PlainIntegerField(forms.IntegerField):
    """A whole-number cell read as a person types it."""

    def to_python(self, value):
        return super().to_python(_plain_text(value, str(self.error_messages["invalid"])))


def _number_text_input(declared: forms.Widget | None, *, whole: bool) -> forms.Widget:
    """A number's text input, keeping what a declared number input says but its step and
    bounds (which a text input does not check: the field does)."""
    if declared is not None and not isinstance(declared, forms.NumberInput):
        return declared
    attrs = {"inputmode": "numeric" if whole else "decimal"}
    if declared is not None:
        attrs |= {k: v for k, v in declared.attrs.items() if k not in ("step", "min", "max")}
    return forms.TextInput(attrs=attrs)


def _known_row(form_field: "RowChoiceField | RowsChoiceField", key: object) -> PlanRecord:
    """The known row of the list's model that `key` names; ValidationError when none
    does, as when a choice is not among the list's rows."""
    row = (form_field.known_rows or {}).get(str(key))
    queryset = form_field.queryset
    if queryset is None or not isinstance(row, queryset.model):
        raise ValidationError(
            form_field.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": key},
        )
    return row


class RowChoiceField(forms.ModelChoiceField):
    """A row form's choice of another row (a forecast's price tier). Given the rows its
    form was given (RecordForm's `known_rows`), it takes a choice as the key of one of
    them, instead of a row of the database."""

    known_rows: Mapping[str, PlanRecord] | None = None

    def to_python(self, value):
        if self.known_rows is None or value in self.empty_values:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        return _known_row(self, value)


class RowsChoiceField(forms.ModelMultipleChoiceField):
    """A row form's choice of several other rows (a platform's integrations), taken as
    RowChoiceField takes one."""

    known_rows: Mapping[str, PlanRecord] | None = None

    def _check_values(self, value):
        if self.known_rows is None:
            return super()._check_values(value)  # type: ignore[misc]  # not in django-stubs
        try:
            keys = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for key in keys:
            self.validate_no_null_characters(key)
        return [_known_row(self, key) for key in keys]


def record_form_field(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A row form's field for a model field (the forms' `Meta.formfield_callback`): a
    number is typed in a text input and read with plain_number; a link to other rows
    may be checked against known rows."""
    if isinstance(model_field, models.DecimalField | models.IntegerField) and not (
        model_field.choices
    ):
        whole = isinstance(model_field, models.IntegerField)
        kwargs.setdefault("form_class", PlainIntegerField if whole else PlainDecimalField)
        kwargs["widget"] = _number_text_input(kwargs.get("widget"), whole=whole)
    elif isinstance(model_field, models.ManyToManyField):
        kwargs.setdefault("form_class", RowsChoiceField)
    elif isinstance(model_field, models.ForeignKey):
        kwargs.setdefault("form_class", RowChoiceField)
    return model_field.formfield(**kwargs)


class ShownCurrencyField(forms.CharField):
    """The currency a row's page showed, sent back with the row. A form shown again (after
    a refusal) shows the plan's currency, not the one refused."""

    widget = forms.HiddenInput

    def bound_data(self, data, initial):
        return initial


class RecordForm(forms.ModelForm):
    """The form of one row. Choices of other records (a channel's segment) are limited to
    the rows of the same plan, other than the row itself. Its text cells are held to what
    no text takes (typed_text.py): one line each, unless written in a box.

    A plan has one currency: a row's amounts are typed in it (their labels say which) and
    stored with it. The form carries the currency its page showed in a hidden field, so
    that an amount typed on a page from before the plan's currency changed is refused
    rather than stored in a currency its writer never saw; so is a change to a row saved
    in another currency that leaves its amount as it was.

    `known_rows`, when given, are all the plan's rows but this one, by any key (an import
    checks its rows before it stores any): its choices of other rows are their keys, and
    they, not the database, are what its links and its table's rules are checked
    against."""

    class Meta:
        # Each row form's Meta extends this one (`class Meta(RecordForm.Meta)`).
        formfield_callback = record_form_field

    def __init__(
        self,
        *args: Any,
        plan: RowsPlan,
        known_rows: Mapping[str, PlanRecord] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if known_rows is not None:
            self.instance.known_rows = known_rows
        for form_field in self.fields.values():
            if isinstance(form_field, RowChoiceField | RowsChoiceField) and known_rows is not None:
                # Its choices are the known rows: its queryset is never read.
                form_field.known_rows = known_rows
            elif (
                isinstance(form_field, forms.ModelChoiceField | forms.ModelMultipleChoiceField)
                and form_field.queryset is not None
            ):
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
        check_form_text(self)
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


# A row offered as a choice shows this much of its name: each row's form lists the rows
# it may link to, so a page repeats each name once per row.
CHOICE_LABEL_MAX = 80


def choice_options(rows: Iterable[models.Model]) -> list[tuple[Any, str]]:
    """Rows as a list offers them: each by its id, named by its first CHOICE_LABEL_MAX
    characters."""
    return [(row.pk, Truncator(str(row)).chars(CHOICE_LABEL_MAX)) for row in rows]


def offer_choices(form: RecordForm, options_by_model: Mapping[type[models.Model], list]) -> None:
    """Give the form's lists of other records these choices (choice_options, by model),
    read once for every row, instead of one query per row and list; a row is never
    offered as its own choice."""
    for form_field in form.fields.values():
        if not isinstance(form_field, forms.ModelChoiceField) or form_field.queryset is None:
            continue
        model = form_field.queryset.model
        own = form.instance.pk if model is type(form.instance) else None
        options = [(pk, label) for pk, label in options_by_model[model] if pk != own]
        if not isinstance(form_field, forms.ModelMultipleChoiceField):
            options.insert(0, ("", "---------"))
        form_field.widget.choices = options


def share_choices(forms_of_rows: list[RecordForm]) -> None:
    """Give every row's lists of other records the choices read once (offer_choices)."""
    first = forms_of_rows[0]
    options_by_model = {
        model: choice_options(model.objects.filter(plan=first.plan))
        for model in {
            form_field.queryset.model
            for form_field in first.fields.values()
            if isinstance(form_field, forms.ModelChoiceField) and form_field.queryset is not None
        }
    }
    for form in forms_of_rows:
        offer_choices(form, options_by_model)
