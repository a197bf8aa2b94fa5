"""Dates, stored as ISO 8601 text."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

from .base import AnswerKind, AnswerValue, AskedQuestion


def date_text(day: datetime.date) -> str:
    """A date as pages and the PDF show it: "1 September 2026"."""
    return day.strftime("%-d %B %Y")


class DateKind(AnswerKind):
    message = "Enter a date as YYYY-MM-DD, such as 2026-09-01."

    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        return {"": forms.CharField(required=False, widget=forms.DateInput(attrs={"type": "date"}))}

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
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

    def display(self, question: AskedQuestion, value: AnswerValue) -> str:
        return date_text(datetime.date.fromisoformat(value))
