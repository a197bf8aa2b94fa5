"""No text takes control characters, whatever writes it: the answer kinds refuse them
naming the character and where it is; long text keeps its tabs and line breaks, short
text keeps neither."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from microcred.questionnaires.kinds import clean_value
from microcred.questionnaires.models import Question
from microcred.questionnaires.typed_text import check_form_text, check_typed_text

CONTROL_CHARACTERS = [
    ("\x1b", "U+001B (ESC)"),
    ("\x07", "U+0007 (BEL)"),
    ("\x01", "U+0001 (SOH)"),
    ("\x00", "U+0000 (NUL)"),
    ("\x85", "U+0085 (NEL)"),
    ("\u2028", "U+2028 (LINE SEPARATOR)"),
    ("\x7f", "U+007F (DEL)"),
    ("\x9b", "U+009B (CSI)"),
    ("\ud800", "U+D800 (half of a surrogate pair)"),
]


def refusal(question, raw) -> str:
    with pytest.raises(ValidationError) as refused:
        clean_value(question, raw)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize("kind", ["short_text", "long_text"])
@pytest.mark.parametrize(("character", "named"), CONTROL_CHARACTERS)
def test_a_text_answer_with_a_control_character_is_refused_naming_it(kind, character, named):
    question = Question(key="k", text="?", kind=kind)
    assert refusal(question, f"Grow{character} volume") == (
        f"This answer contains the control character {named} at position 5: "
        "remove it and try again."
    )


def test_the_position_in_a_long_text_is_counted_by_line():
    question = Question(key="k", text="?", kind="long_text")
    assert refusal(question, "First line.\r\nSecond\x1b line.") == (
        "This answer contains the control character U+001B (ESC) at position 7 of line 2: "
        "remove it and try again."
    )


def test_long_text_keeps_tabs_and_line_breaks():
    question = Question(key="k", text="?", kind="long_text")
    assert clean_value(question, "Costs:\r\n\tRoom\r\n\tTutor\rEnd") == (
        "Costs:\n\tRoom\n\tTutor\rEnd"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Room\tTutor", "This answer must fit on one line: remove the tab."),
        ("Room\nTutor", "This answer must fit on one line: remove the line break."),
        ("Room\r\nTutor", "This answer must fit on one line: remove the line break."),
    ],
)
def test_short_text_keeps_one_line(text, message):
    assert refusal(Question(key="k", text="?", kind="short_text"), text) == message


def test_the_other_answer_and_the_explanation_are_held_to_it_too():
    choice = Question(key="k", text="?", kind="single_choice", choices=["A", "B"], allow_other=True)
    assert refusal(choice, {"choice": "other", "other": "Badge\tladder"}) == (
        "The “Other” answer must fit on one line: remove the tab."
    )
    yes_no = Question(key="k", text="?", kind="yes_no")
    assert refusal(yes_no, {"choice": "yes", "explanation": "Via\x07 the LMS."}) == (
        "The explanation contains the control character U+0007 (BEL) at position 4: "
        "remove it and try again."
    )
    assert clean_value(yes_no, {"choice": "yes", "explanation": "Via:\n\tthe LMS."}) == {
        "choice": "yes",
        "explanation": "Via:\n\tthe LMS.",
    }


def test_whitespace_around_the_text_is_stripped_not_refused():
    question = Question(key="k", text="?", kind="short_text")
    assert clean_value(question, "  Room \n") == "Room"


def test_the_refusal_has_a_code_to_tell_one_kind_from_the_other():
    with pytest.raises(ValidationError) as refused:
        check_typed_text("A\nB", what="The title", one_line=True)
    assert refused.value.code == "line_break"
    with pytest.raises(ValidationError) as refused:
        check_typed_text("A\x1bB", what="The title", one_line=True)
    assert refused.value.code == "control_character"


class NotesForm(forms.Form):
    name = forms.CharField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea)

    def clean(self):
        check_form_text(self)
        return self.cleaned_data


def test_a_form_refuses_each_field_beside_it_one_line_unless_written_in_a_box():
    form = NotesForm({"name": "Ann\tLee", "notes": "One.\n\tTwo\x1b."})
    assert form.errors == {
        "name": ["This text must fit on one line: remove the tab."],
        "notes": [
            "This text contains the control character U+001B (ESC) at position 5 of line 2: "
            "remove it and try again."
        ],
    }
    assert NotesForm({"name": "Ann Lee", "notes": "One.\n\tTwo."}).is_valid()
