"""Text answers: a short line or long prose."""

from collections.abc import Callable

from django import forms

from .base import ONE_LINE_TEMPLATE, AnswerKind, AnswerValue, AskedQuestion, read_text


class TextKind(AnswerKind):
    def __init__(
        self,
        *,
        label: str,
        fields_template: str,
        max_length: int,
        one_line: bool,
        widget: Callable[[], forms.Widget],
        template: str = ONE_LINE_TEMPLATE,
    ) -> None:
        super().__init__(label=label, fields_template=fields_template, template=template)
        self.max_length = max_length
        self.one_line = one_line
        self.widget = widget

    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        return {"": forms.CharField(required=False, strip=False, widget=self.widget())}

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        return read_text(raw, max_length=self.max_length, one_line=self.one_line) or None
