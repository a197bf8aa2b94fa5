"""The form of one row of a record set (`RecordForm`), which every phase app's row forms
extend: choices limited to the plan's own rows, amounts in the plan's currency."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator

from microcred.questionnaires.kinds import plain_number
from microcred.questionnaires.typed_text import check_form_text

from .models import CURRENCY, RowsPlan, money_field_names


def other_currency_refusal(currency: str) -> str:
    return (
        f"This plan's amounts are in {currency}; change the plan's currency or enter the "
        f"amount in {currency}."
    )


# The inputs of a row's cells that phase apps share: a date picker, an amount, a count.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"})
COUNT_INPUT = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})


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
    in another currency that leaves its amount as it was."""

    def __init__(self, *args: Any, plan: RowsPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        for form_field in self.fields.values():
            if (
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
        self._refuse_unplain_numbers(cleaned_data)
        if self.amount_fields:
            self._take_plan_currency(cleaned_data)
        return cleaned_data

    def _refuse_unplain_numbers(self, cleaned_data) -> None:
        """Refuse a number cell typed other than as the answers' numbers are (kinds'
        plain_number: "1_000", "1e3" and "١٢٣" are numbers to Python, not to a person),
        though its field read it."""
        for name, form_field in self.fields.items():
            # Also DecimalField and FloatField, which extend it.
            if not isinstance(form_field, forms.IntegerField):
                continue
            if cleaned_data.get(name) is None:
                continue
            typed = self[name].data
            if not isinstance(typed, str):
                continue  # the form was given a number, not a person's typing
            try:
                plain_number(typed.strip(), str(form_field.error_messages["invalid"]))
            except ValidationError as error:
                self.add_error(name, error)

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


def share_choices(forms_of_rows: list[RecordForm]) -> None:
    """Give every row's lists of other records the choices read once, instead of one
    query per row and list, each named by its first CHOICE_LABEL_MAX characters; a row
    is never offered as its own choice."""
    first = forms_of_rows[0]
    for name, form_field in first.fields.items():
        if not isinstance(form_field, forms.ModelChoiceField) or form_field.queryset is None:
            continue
        model = form_field.queryset.model
        everyone = [
            (other.pk, Truncator(str(other)).chars(CHOICE_LABEL_MAX))
            for other in model.objects.filter(plan=first.plan)
        ]
        for form in forms_of_rows:
            own = form.instance.pk if model is type(form.instance) else None
            options = [(pk, label) for pk, label in everyone if pk != own]
            if not isinstance(form_field, forms.ModelMultipleChoiceField):
                options.insert(0, ("", "---------"))
            form.fields[name].widget.choices = options
