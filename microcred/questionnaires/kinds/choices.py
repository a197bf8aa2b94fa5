"""Answers that choose: yes or no (with an explanation), one choice or several, each
with an "Other" answer where the question allows it."""

from django import forms
from django.core.exceptions import ValidationError

from .base import (
    LONG_TEXT_MAX,
    OTHER,
    SHORT_TEXT_MAX,
    AnswerKind,
    AnswerValue,
    AskedQuestion,
    FormData,
    read_parts,
    read_text,
)

EXPLANATION_REQUIRED = "This question asks more than yes or no: add the explanation."
# The attribute of a field whose text app.js waits for before it saves the answer.
HOLDS_BACK_ANSWER = "data-explanation-required"


class YesNoKind(AnswerKind):
    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
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
                    attrs={"rows": 3, HOLDS_BACK_ANSWER: ""}
                    if question.explanation_required
                    else {"rows": 3}
                ),
            ),
        }

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        parts = read_parts(raw, "choice", "explanation")
        choice = parts["choice"] or ""
        explanation = read_text(
            parts["explanation"], what="The explanation", max_length=LONG_TEXT_MAX
        )
        if choice not in ("", "yes", "no"):
            raise ValidationError("Choose yes or no.")
        if not choice:
            if explanation:
                raise ValidationError("Choose yes or no; the explanation is kept with your choice.")
            return None
        if question.explanation_required and not explanation:
            raise ValidationError(EXPLANATION_REQUIRED)
        return {"choice": choice, "explanation": explanation}

    def initial(self, value: AnswerValue) -> dict[str, object]:
        value = value or {}
        return {"": value.get("choice", ""), "explanation": value.get("explanation", "")}

    def raw_from_form(self, data: FormData) -> object:
        return {"choice": data.get(""), "explanation": data.get("explanation")}

    def display(self, question: AskedQuestion, value: AnswerValue) -> str:
        answer = "Yes" if value["choice"] == "yes" else "No"
        return f"{answer}. {value['explanation']}" if value["explanation"] else answer


def _options(question: AskedQuestion) -> list[tuple[str, str]]:
    options = [(choice, choice) for choice in question.choices]
    if question.allow_other:
        options.append((OTHER, "Other"))
    return options


def _read_other(raw: object) -> str:
    return read_text(raw, what="The “Other” answer", max_length=SHORT_TEXT_MAX, one_line=True)


def _other_field() -> forms.CharField:
    return forms.CharField(
        required=False, label="Other (please specify)", max_length=SHORT_TEXT_MAX
    )


def _check_other(question: AskedQuestion, chosen: list[str], other: str) -> None:
    unknown = [c for c in chosen if c not in question.choices and c != OTHER]
    if unknown or (OTHER in chosen and not question.allow_other):
        bad = unknown[0] if unknown else "Other"
        raise ValidationError(f"“{bad}” is not one of the options.")
    if OTHER in chosen and not other:
        raise ValidationError("You chose “Other”: say what it is.")


def _with_other(question: AskedQuestion, choices: forms.Field) -> dict[str, forms.Field]:
    """A choice question's fields: its options, and a box for "Other" where it allows one."""
    fields: dict[str, forms.Field] = {"": choices}
    if question.allow_other:
        fields["other"] = _other_field()
    return fields


class SingleChoiceKind(AnswerKind):
    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        options = _options(question)
        return _with_other(
            question, forms.ChoiceField(required=False, choices=options, widget=forms.RadioSelect)
        )

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        parts = read_parts(raw, "choice", "other")
        choice = parts["choice"] or ""
        other = _read_other(parts["other"])
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

    def initial(self, value: AnswerValue) -> dict[str, object]:
        value = value or {}
        return {"": value.get("choice", ""), "other": value.get("other", "")}

    def raw_from_form(self, data: FormData) -> object:
        return {"choice": data.get(""), "other": data.get("other")}

    def display(self, question: AskedQuestion, value: AnswerValue) -> str:
        return f"Other: {value['other']}" if value["choice"] == OTHER else value["choice"]


class MultipleChoiceKind(AnswerKind):
    def form_fields(self, question: AskedQuestion) -> dict[str, forms.Field]:
        options = _options(question)
        return _with_other(
            question,
            forms.MultipleChoiceField(
                required=False, choices=options, widget=forms.CheckboxSelectMultiple
            ),
        )

    def clean(self, question: AskedQuestion, raw: object) -> AnswerValue:
        parts = read_parts(raw, "choices", "other")
        chosen = parts["choices"] or []
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise ValidationError("This answer is not in the expected form.")
        other = _read_other(parts["other"])
        if other and OTHER not in chosen and question.allow_other:
            chosen = [*chosen, OTHER]  # typing an "Other" answer is choosing it
        if not chosen:
            if other:
                raise ValidationError("This question has no “Other” option.")
            return None
        _check_other(question, chosen, other)
        ordered = [c for c, _ in _options(question) if c in chosen]
        return {"choices": ordered, "other": other if OTHER in ordered else ""}

    def initial(self, value: AnswerValue) -> dict[str, object]:
        value = value or {}
        return {"": value.get("choices", []), "other": value.get("other", "")}

    def raw_from_form(self, data: FormData) -> object:
        return {"choices": data.get("") or [], "other": data.get("other")}

    def display(self, question: AskedQuestion, value: AnswerValue) -> str:
        return ", ".join(f"Other: {value['other']}" if c == OTHER else c for c in value["choices"])
