"""Record-set questions: their answer is their number of rows."""

from django import forms
from django.core.exceptions import ValidationError

from .base import AnswerKind, AnswerValue, AskedQuestion


class RecordSetKind(AnswerKind):
    """A table of typed rows (records of a phase app; see plans/records.py). The rows are
    edited on their own; the answer keeps how many there are, so that a record set counts
    as answered, in progress and in missing lists, once it has a row."""

    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        return {}

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        if raw is None or raw == 0:
            return None
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise ValidationError("A record set's answer is its number of rows.")
        return raw

    def display(self, question: AskedQuestion, value: AnswerValue) -> str:
        return f"{value} row" if value == 1 else f"{value} rows"
