"""Answer kinds: how each kind of question is asked, validated, stored and shown.

Every kind stores its answer as JSON in a canonical shape; `None` means "not answered":

    short_text, long_text   "text"
    yes_no                  {"choice": "yes" | "no", "explanation": "text"}
                            (the text is required when the question's
                            `explanation_required` is set)
    single_choice           {"choice": "<option>" | "other", "other": "text"}
    multiple_choice         {"choices": ["<option>", ..., "other"], "other": "text"}
    number                  "12.5"  (a decimal kept as a string, so nothing is rounded)
    money                   {"amount": "249.00", "currency": "USD"}
    date                    "2026-09-01"

A form posts the same shapes with strings in them, so one `clean_value` validates what
the browser sends and what services are given.

`KINDS` is the one list of kinds: `Question.Kind` is built from it, and each kind names
its label, the template that shows a stored value (`{% show_answer %}`) and the one that
writes its answer fields on a phase page (`fields_template`, given a question block of
forms.QuestionFieldsForm).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

OTHER = "other"
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 20_000
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
EXPLANATION_REQUIRED = "This question asks more than yes or no: add the explanation."


def _text(raw, *, what="This answer", max_length):
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(f"{what} must be text.")
    text = raw.replace("\r\n", "\n").strip()
    if len(text) > max_length:
        raise ValidationError(
            f"{what} is too long: keep it under {max_length:,} characters (it has {len(text):,})."
        )
    return text


def _parts(raw, *names):
    if raw is None:
        return dict.fromkeys(names, "")
    if not isinstance(raw, dict):
        raise ValidationError("This answer is not in the expected form.")
    return {name: raw.get(name, "") for name in names}


def _decimal(raw, message):
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise ValidationError(message)
    text = raw.strip()
    if not text:
        return None
    if "," in text:
        # Much of the world writes one and a half as "1,5": a comma is taken only where
        # it can only be a thousands separator, and anything else is refused, not guessed.
        if not THOUSANDS.fullmatch(text):
            raise ValidationError(
                f"“{text}” is not a number: use a point for decimals (1.5) and commas only "
                "between groups of three digits (1,500)."
            )
        text = text.replace(",", "")
    # Decimal() takes "1_5" for 15, as Python code would.
    if "_" in text:
        raise ValidationError(message)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(message) from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise ValidationError(message)
    return number


ONE_LINE_TEMPLATE = "questionnaires/kinds/one_line.html"
FIELDS_TEMPLATES = "questionnaires/kinds/fields/"


def money_text(amount: Decimal, currency: str) -> str:
    """An amount as pages and the PDF show it: "1,250.00 USD"."""
    return f"{amount:,.2f} {currency}"


def date_text(day: datetime.date) -> str:
    """A date as pages and the PDF show it: "1 September 2026"."""
    return day.strftime("%-d %B %Y")


class AnswerKind:
    """How one kind of question is asked and answered. Subclasses name the form fields
    they need by suffix ("" is the main field, whose label is the question). `template`
    shows a stored value, given `question`, `value` and `display` (its one-line text);
    `fields_template` writes the answer's fields, given `block` (a QuestionBlock)."""

    def __init__(self, *, label, fields_template, template=ONE_LINE_TEMPLATE):
        self.label = label
        self.template = template
        self.fields_template = FIELDS_TEMPLATES + fields_template

    def form_fields(self, question):
        raise NotImplementedError

    def clean(self, question, raw):
        raise NotImplementedError

    def initial(self, value):
        """Form initial data, by field suffix, for a stored value."""
        return {"": value}

    def raw_from_form(self, data):
        """The posted shape, from cleaned form data by suffix."""
        return data.get("")

    def display(self, question, value):
        return value


class TextKind(AnswerKind):
    def __init__(self, *, max_length, widget, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.widget = widget

    def form_fields(self, question):
        return {"": forms.CharField(required=False, strip=False, widget=self.widget())}

    def clean(self, question, raw):
        return _text(raw, max_length=self.max_length) or None


class YesNoKind(AnswerKind):
    def form_fields(self, question):
        return {
            "": forms.ChoiceField(
                required=False, choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect
            ),
            "explanation": forms.CharField(
                required=False,
                strip=False,
                label="Explanation (required)" if question.explanation_required else "Explanation",
                # app.js waits for this text before saving a choice, as it does for "Other".
                widget=forms.Textarea(
                    attrs={"rows": 3, "data-explanation-required": ""}
                    if question.explanation_required
                    else {"rows": 3}
                ),
            ),
        }

    def clean(self, question, raw):
        parts = _parts(raw, "choice", "explanation")
        choice = parts["choice"] or ""
        explanation = _text(parts["explanation"], what="The explanation", max_length=LONG_TEXT_MAX)
        if choice not in ("", "yes", "no"):
            raise ValidationError("Choose yes or no.")
        if not choice:
            if explanation:
                raise ValidationError("Choose yes or no; the explanation is kept with your choice.")
            return None
        if question.explanation_required and not explanation:
            raise ValidationError(EXPLANATION_REQUIRED)
        return {"choice": choice, "explanation": explanation}

    def initial(self, value):
        value = value or {}
        return {"": value.get("choice", ""), "explanation": value.get("explanation", "")}

    def raw_from_form(self, data):
        return {"choice": data.get(""), "explanation": data.get("explanation")}

    def display(self, question, value):
        answer = "Yes" if value["choice"] == "yes" else "No"
        return f"{answer}. {value['explanation']}" if value["explanation"] else answer


def _options(question):
    options = [(choice, choice) for choice in question.choices]
    if question.allow_other:
        options.append((OTHER, "Other"))
    return options


def _other_field():
    return forms.CharField(
        required=False, label="Other (please specify)", max_length=SHORT_TEXT_MAX
    )


def _check_other(question, chosen, other):
    unknown = [c for c in chosen if c not in question.choices and c != OTHER]
    if unknown or (OTHER in chosen and not question.allow_other):
        bad = unknown[0] if unknown else "Other"
        raise ValidationError(f"“{bad}” is not one of the options.")
    if OTHER in chosen and not other:
        raise ValidationError("You chose “Other”: say what it is.")


class SingleChoiceKind(AnswerKind):
    def form_fields(self, question):
        fields = {
            "": forms.ChoiceField(
                required=False, choices=_options(question), widget=forms.RadioSelect
            )
        }
        if question.allow_other:
            fields["other"] = _other_field()
        return fields

    def clean(self, question, raw):
        parts = _parts(raw, "choice", "other")
        choice = parts["choice"] or ""
        other = _text(parts["other"], what="The “Other” answer", max_length=SHORT_TEXT_MAX)
        if other and not choice and question.allow_other:
            choice = OTHER  # typing an "Other" answer is choosing it
        if other and choice != OTHER:
            raise ValidationError(
                f"You chose “{choice}” and also typed an “Other” answer: "
                "choose “Other” or clear the text."
            )
        if not choice:
            return None
        _check_other(question, [choice], other)
        return {"choice": choice, "other": other}

    def initial(self, value):
        value = value or {}
        return {"": value.get("choice", ""), "other": value.get("other", "")}

    def raw_from_form(self, data):
        return {"choice": data.get(""), "other": data.get("other")}

    def display(self, question, value):
        return f"Other: {value['other']}" if value["choice"] == OTHER else value["choice"]


class MultipleChoiceKind(AnswerKind):
    def form_fields(self, question):
        fields = {
            "": forms.MultipleChoiceField(
                required=False, choices=_options(question), widget=forms.CheckboxSelectMultiple
            )
        }
        if question.allow_other:
            fields["other"] = _other_field()
        return fields

    def clean(self, question, raw):
        parts = _parts(raw, "choices", "other")
        chosen = parts["choices"] or []
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise ValidationError("This answer is not in the expected form.")
        other = _text(parts["other"], what="The “Other” answer", max_length=SHORT_TEXT_MAX)
        if other and OTHER not in chosen and question.allow_other:
            chosen = [*chosen, OTHER]  # typing an "Other" answer is choosing it
        if not chosen:
            if other:
                raise ValidationError("This question has no “Other” option.")
            return None
        _check_other(question, chosen, other)
        ordered = [c for c, _ in _options(question) if c in chosen]
        return {"choices": ordered, "other": other if OTHER in ordered else ""}

    def initial(self, value):
        value = value or {}
        return {"": value.get("choices", []), "other": value.get("other", "")}

    def raw_from_form(self, data):
        return {"choices": data.get("") or [], "other": data.get("other")}

    def display(self, question, value):
        return ", ".join(f"Other: {value['other']}" if c == OTHER else c for c in value["choices"])


class NumberKind(AnswerKind):
    message = "Enter a number, such as 120 or 12.5."

    def form_fields(self, question):
        return {
            "": forms.CharField(
                required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        }

    def clean(self, question, raw):
        number = _decimal(raw, self.message)
        return None if number is None else format(number.normalize(), "f")


class MoneyKind(AnswerKind):
    message = "Enter an amount, such as 249 or 249.99."

    def form_fields(self, question):
        return {
            "": forms.CharField(
                required=False,
                label="Amount",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            ),
            "currency": forms.ChoiceField(required=False, choices=CURRENCIES, label="Currency"),
        }

    def clean(self, question, raw):
        parts = _parts(raw, "amount", "currency")
        amount = _decimal(parts["amount"], self.message)
        if amount is None:
            return None
        if amount < 0:
            raise ValidationError("An amount cannot be negative.")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("Use at most two decimal places, such as 249.99.")
        currency = (parts["currency"] or settings.DEFAULT_CURRENCY).upper()
        if currency not in CURRENCY_CODES:
            raise ValidationError(f"“{currency}” is not a currency we know.")
        return {"amount": str(amount.quantize(Decimal("0.01"))), "currency": currency}

    def initial(self, value):
        value = value or {}
        return {
            "": value.get("amount", ""),
            "currency": value.get("currency", settings.DEFAULT_CURRENCY),
        }

    def raw_from_form(self, data):
        return {"amount": data.get(""), "currency": data.get("currency")}

    def display(self, question, value):
        return money_text(Decimal(value["amount"]), value["currency"])


class DateKind(AnswerKind):
    message = "Enter a date as YYYY-MM-DD, such as 2026-09-01."

    def form_fields(self, question):
        return {"": forms.CharField(required=False, widget=forms.DateInput(attrs={"type": "date"}))}

    def clean(self, question, raw):
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str):
            raise ValidationError(self.message)
        try:
            day = datetime.date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(self.message) from None
        if not 1900 <= day.year <= 2200:
            raise ValidationError("Enter a date between the years 1900 and 2200.")
        return day.isoformat()

    def display(self, question, value):
        return date_text(datetime.date.fromisoformat(value))


class RecordSetKind(AnswerKind):
    """A table of typed rows (records of a phase app; see plans/records.py). The rows are
    edited on their own; the answer keeps how many there are, so that a record set counts
    as answered, in progress and in missing lists, once it has a row."""

    def form_fields(self, question):
        return {}

    def clean(self, question, raw):
        if raw is None or raw == 0:
            return None
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise ValidationError("A record set's answer is its number of rows.")
        return raw

    def display(self, question, value):
        return f"{value} row" if value == 1 else f"{value} rows"


KINDS = {
    "short_text": TextKind(
        label="Short text",
        fields_template="short_text.html",
        max_length=SHORT_TEXT_MAX,
        widget=forms.TextInput,
    ),
    "long_text": TextKind(
        label="Long text",
        template="questionnaires/kinds/long_text.html",
        fields_template="long_text.html",
        max_length=LONG_TEXT_MAX,
        widget=lambda: forms.Textarea(attrs={"rows": 4}),
    ),
    "yes_no": YesNoKind(
        label="Yes / no (with explanation)",
        template="questionnaires/kinds/yes_no.html",
        fields_template="yes_no.html",
    ),
    "single_choice": SingleChoiceKind(label="Single choice", fields_template="single_choice.html"),
    "multiple_choice": MultipleChoiceKind(
        label="Multiple choice", fields_template="multiple_choice.html"
    ),
    "number": NumberKind(label="Number", fields_template="number.html"),
    "money": MoneyKind(label="Money (amount and currency)", fields_template="money.html"),
    "date": DateKind(label="Date", fields_template="date.html"),
    "record_set": RecordSetKind(
        label="Record set (a table of rows)", fields_template="record_set.html"
    ),
}


def kind_of(question) -> AnswerKind:
    return KINDS[question.kind]


def clean_value(question, raw):
    """The canonical value of `raw` for `question`, or None when it says nothing.
    Raises ValidationError with a message a program manager can act on."""
    return kind_of(question).clean(question, raw)


def display_value(question, value) -> str:
    """A one-line, human-readable rendering of a stored value ("" when unanswered)."""
    if value is None:
        return ""
    return kind_of(question).display(question, value)
