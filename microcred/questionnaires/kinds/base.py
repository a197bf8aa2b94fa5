"""What every answer kind is (`AnswerKind`), and the readers of posted values they share."""

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeAlias

from django import forms
from django.core.exceptions import ValidationError

from ..typed_text import check_typed_text

# A stored answer: JSON in its kind's canonical shape (see the package's docstring), None
# when not answered. Each kind knows its own shape; to the others it is opaque.
AnswerValue: TypeAlias = Any
# A form's cleaned data for one question, by field suffix ("" for the main field).
FormData: TypeAlias = Mapping[str, Any]


class AskedQuestion(Protocol):
    """What a kind reads of a question (a Question): its kind and what it offers."""

    @property
    def kind(self) -> str: ...

    @property
    def choices(self) -> Sequence[str]: ...

    @property
    def allow_other(self) -> bool: ...

    @property
    def explanation_required(self) -> bool: ...


OTHER = "other"
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 20_000


def read_text(
    raw: object, *, what: str = "This answer", max_length: int, one_line: bool = False
) -> str:
    """The text of a posted answer (or part of one), stripped, with Unix line ends; held to
    what no text takes (typed_text.py): `one_line` for what is written on one line."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(f"{what} must be text.")
    text = raw.replace("\r\n", "\n").strip()
    if len(text) > max_length:
        raise ValidationError(
            f"{what} is too long: keep it under {max_length:,} characters (it has {len(text):,})."
        )
    check_typed_text(text, what=what, one_line=one_line)
    return text


def read_parts(raw: object, *names: str) -> dict[str, Any]:
    if raw is None:
        return dict.fromkeys(names, "")
    if not isinstance(raw, dict):
        raise ValidationError("This answer is not in the expected form.")
    return {name: raw.get(name, "") for name in names}


ONE_LINE_TEMPLATE = "questionnaires/kinds/one_line.html"
FIELDS_TEMPLATES = "questionnaires/kinds/fields/"


class AnswerKind:
    """How one kind of question is asked and answered. Subclasses name the form fields
    they need by suffix ("" is the main field, whose label is the question). `template`
    shows a stored value, given `question`, `value` and `display` (its one-line text);
    `fields_template` writes the answer's fields, given `block` (a QuestionBlock)."""

    def __init__(
        self, *, label: str, fields_template: str, template: str = ONE_LINE_TEMPLATE
    ) -> None:
        self.label = label
        self.template = template
        self.fields_template = FIELDS_TEMPLATES + fields_template

    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        raise NotImplementedError

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        raise NotImplementedError

    def initial(self, value: AnswerValue) -> dict[str, object]:
        """Form initial data, by field suffix, for a stored value."""
        return {"": value}

    def raw_from_form(self, data: FormData) -> object:
        """The posted shape, from cleaned form data by suffix."""
        return data.get("")

    def display(self, question: AskedQuestion, value: AnswerValue) -> str:
        return str(value)
