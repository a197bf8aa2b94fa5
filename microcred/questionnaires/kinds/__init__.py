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
forms.QuestionFieldsForm). This module is that list; each family of kinds is a module
of its own (text, choices, amounts, dates, record_sets), on what they share (base).
"""

from django import forms

from .amounts import (
    CURRENCIES,
    CURRENCY_CODES,
    MoneyKind,
    NumberKind,
    money_text,
    plain_number,
)
from .base import LONG_TEXT_MAX, OTHER, SHORT_TEXT_MAX, AnswerKind, AnswerValue, AskedQuestion
from .choices import (
    EXPLANATION_REQUIRED,
    HOLDS_BACK_ANSWER,
    MultipleChoiceKind,
    SingleChoiceKind,
    YesNoKind,
)
from .dates import DateKind, date_text
from .record_sets import RecordSetKind
from .text import TextKind

__all__ = [
    "CURRENCIES",
    "CURRENCY_CODES",
    "EXPLANATION_REQUIRED",
    "HOLDS_BACK_ANSWER",
    "KINDS",
    "LONG_TEXT_MAX",
    "OTHER",
    "SHORT_TEXT_MAX",
    "AnswerKind",
    "AnswerValue",
    "AskedQuestion",
    "clean_value",
    "date_text",
    "display_value",
    "kind_of",
    "money_text",
    "plain_number",
]

KINDS: dict[str, AnswerKind] = {
    "short_text": TextKind(
        label="Short text",
        fields_template="short_text.html",
        max_length=SHORT_TEXT_MAX,
        one_line=True,
        widget=forms.TextInput,
    ),
    "long_text": TextKind(
        label="Long text",
        template="questionnaires/kinds/long_text.html",
        fields_template="long_text.html",
        max_length=LONG_TEXT_MAX,
        one_line=False,
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


def kind_of(question: AskedQuestion) -> AnswerKind:
    return KINDS[question.kind]


def clean_value(question: AskedQuestion, raw: object) -> AnswerValue:
    """The canonical value of `raw` for `question`, or None when it says nothing.
    Raises ValidationError with a message a program manager can act on."""
    return kind_of(question).clean(question, raw)


def display_value(question: AskedQuestion, value: AnswerValue) -> str:
    """A one-line, human-readable rendering of a stored value ("" when unanswered)."""
    if value is None:
        return ""
    return kind_of(question).display(question, value)
