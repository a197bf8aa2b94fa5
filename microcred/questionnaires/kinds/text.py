"""Text answers: a short line or long prose."""

from django import forms

from .base import AnswerKind, read_text


class TextKind(AnswerKind):
    def __init__(self, *, max_length, widget, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.widget = widget

    def form_fields(self, question):
        return {"": forms.CharField(required=False, strip=False, widget=self.widget())}

    def clean(self, question, raw):
        return read_text(raw, max_length=self.max_length) or None
