"""Numbers and amounts of money, read as decimals so that nothing is rounded."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from .base import AnswerKind, AnswerValue, AskedQuestion, FormData, read_parts
from .number_words import number_words

CURRENCIES = [
    ("USD", "USD: US dollar"),
    ("CAD", "CAD: Canadian dollar"),
    ("EUR", "EUR: euro"),
    ("GBP", "GBP: pound sterling"),
    ("AUD", "AUD: Australian dollar"),
    ("NZD", "NZD: New Zealand dollar"),
    ("CHF", "CHF: Swiss franc"),
    ("INR", "INR: Indian rupee"),
    ("JPY", "JPY: Japanese yen"),
    ("ZAR", "ZAR: South African rand"),
]
CURRENCY_CODES = {code for code, _ in CURRENCIES}
# A number with thousands separators, such as 1,500 or -12,345,678.25.
THOUSANDS = re.compile(r"[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
# A number as people type it: the digits 0 to 9, an optional sign and at most one decimal
# point. Python's Decimal() and int() read more ("1_000", "1e3", "NaN", the digits of other
# scripts such as "١٢٣"), which nobody filling in a form means as a number.
PLAIN_NUMBER = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)")
# A number as much of the world writes it, with a decimal comma: 1,5 or 450,00 or 1.234,5.
DECIMAL_COMMA = re.compile(r"[-+]?([0-9]{1,3}(\.[0-9]{3})+|[0-9]+),[0-9]+")


def other_digits_refusal(text: str) -> str:
    return f"“{text}” has digits other than 0 to 9: type the number with 0 to 9, such as 120."


def decimal_comma_refusal(text: str) -> str:
    """Why a number with a decimal comma ("450,00") is refused: read with the interface's
    decimal point, its comma would be taken out, a hundred times the amount meant."""
    meant = text.replace(".", "").replace(",", ".").lstrip("+")
    misread = format(Decimal(text.replace(",", "")), "f")
    return f"Type {meant} for {number_words(Decimal(meant))}; “{text}” would read as {misread}."


def plain_number(text: str, message: str) -> str:
    """The number `text` (stripped, not empty) as Decimal() reads it: thousands separators
    taken out. ValidationError unless it is written with the digits 0 to 9, an optional
    sign and at most one decimal point: with a message that says why for other digits and
    misplaced commas, else with `message` (the field's own)."""
    if any(character.isdigit() and not character.isascii() for character in text):
        raise ValidationError(other_digits_refusal(text))
    if "," in text:
        # Much of the world writes one and a half as "1,5": a comma is taken only where
        # it can only be a thousands separator, and anything else is refused, not guessed.
        if not THOUSANDS.fullmatch(text):
            if DECIMAL_COMMA.fullmatch(text):
                raise ValidationError(decimal_comma_refusal(text))
            raise ValidationError(
                f"“{text}” is not a number: use a point for decimals (1.5) and commas only "
                "between groups of three digits (1,500)."
            )
        text = text.replace(",", "")
    if not PLAIN_NUMBER.fullmatch(text):
        raise ValidationError(message)
    return text


def read_decimal(raw: object, message: str) -> Decimal | None:
    """A number as typed (a string, read as plain_number reads it) or as given (a number,
    from an imported file); None when nothing was typed."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValidationError(message)
    if isinstance(raw, str):
        if not raw.strip():
            return None
        text = plain_number(raw.strip(), message)
    else:
        text = str(raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(message) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise ValidationError(message)
    return number


def money_text(amount: Decimal, currency: str) -> str:
    """An amount as pages and the PDF show it: "1,250.00 USD"."""
    return f"{amount:,.2f} {currency}"


class NumberKind(AnswerKind):
    message = "Enter a number, such as 120 or 12.5."

    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        return {
            "": forms.CharField(
                required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        }

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        number = read_decimal(raw, self.message)
        return None if number is None else format(number.normalize(), "f")


class MoneyKind(AnswerKind):
    message = "Enter an amount, such as 249 or 249.99."

    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        return {
            "": forms.CharField(
                required=False,
                label="Amount",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            ),
            "currency": forms.ChoiceField(required=False, choices=CURRENCIES, label="Currency"),
        }

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        parts = read_parts(raw, "amount", "currency")
        amount = read_decimal(parts["amount"], self.message)
        if amount is None:
            return None
        if amount < 0:
            raise ValidationError("An amount cannot be negative.")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("Use at most two decimal places, such as 249.99.")
        # str(): a currency sent as a number or a list (through the API) is refused below.
        currency = str(parts["currency"] or settings.DEFAULT_CURRENCY).upper()
        if currency not in CURRENCY_CODES:
            raise ValidationError(f"“{currency}” is not a currency we know.")
        return {"amount": str(amount.quantize(Decimal("0.01"))), "currency": currency}

    def initial(self, value: AnswerValue) -> dict[str, object]:
        value = value or {}
        return {
            "": value.get("amount", ""),
            "currency": value.get("currency", settings.DEFAULT_CURRENCY),
        }

    def raw_from_form(self, data: FormData) -> object:
        return {"amount": data.get(""), "currency": data.get("currency")}

    def display(self, question: AskedQuestion, value: AnswerValue) -> str:
        return money_text(Decimal(value["amount"]), value["currency"])
