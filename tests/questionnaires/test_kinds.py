"""Each answer kind accepts its canonical shape, rejects bad input with a message a
program manager can act on, and treats an empty answer as unanswered."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.template.loader import get_template

from microcred.questionnaires.kinds import KINDS, clean_value, display_value, kind_of
from microcred.questionnaires.models import Question

PHASE_APPS = ("planning", "marketing", "operations", "design", "delivery", "maintenance")


def q(kind, **fields):
    return Question(key="k", text="A question?", kind=kind, **fields)


def error_of(question, raw):
    with pytest.raises(ValidationError) as caught:
        clean_value(question, raw)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize("kind", ["short_text", "long_text"])
def test_text_is_stripped_and_blank_is_unanswered(kind):
    assert clean_value(q(kind), "  Revenue growth  ") == "Revenue growth"
    assert clean_value(q(kind), "   ") is None
    assert clean_value(q(kind), None) is None


def test_long_text_keeps_paragraphs_with_unix_line_endings():
    assert clean_value(q("long_text"), "One.\r\n\r\nTwo.") == "One.\n\nTwo."


def test_short_text_over_the_limit_says_how_long_it_is():
    assert error_of(q("short_text"), "x" * 501) == (
        "This answer is too long: keep it under 500 characters (it has 501)."
    )


def test_text_must_be_text():
    assert error_of(q("long_text"), {"choice": "yes"}) == "This answer must be text."


def test_yes_no_keeps_choice_and_explanation():
    assert clean_value(q("yes_no"), {"choice": "yes", "explanation": " Via the LMS. "}) == {
        "choice": "yes",
        "explanation": "Via the LMS.",
    }
    assert clean_value(q("yes_no"), {"choice": "", "explanation": ""}) is None


def test_yes_no_explanation_without_a_choice_is_refused():
    assert error_of(q("yes_no"), {"choice": "", "explanation": "Because."}) == (
        "Choose yes or no; the explanation is kept with your choice."
    )


def test_yes_no_rejects_maybe():
    assert error_of(q("yes_no"), {"choice": "maybe"}) == "Choose yes or no."


MODEL = {"choices": ["ABC model", "Stackable", "Certificate"], "allow_other": True}


def test_single_choice_accepts_an_option():
    assert clean_value(q("single_choice", **MODEL), {"choice": "Stackable", "other": ""}) == {
        "choice": "Stackable",
        "other": "",
    }


def test_single_choice_typing_other_text_chooses_other():
    assert clean_value(q("single_choice", **MODEL), {"choice": "", "other": "Badge ladder"}) == {
        "choice": "other",
        "other": "Badge ladder",
    }


def test_single_choice_other_without_text_is_refused():
    message = error_of(q("single_choice", **MODEL), {"choice": "other", "other": " "})
    assert message == "You chose “Other”: say what it is."


def test_single_choice_option_and_other_text_together_is_refused():
    message = error_of(q("single_choice", **MODEL), {"choice": "Stackable", "other": "Mine"})
    assert message == (
        "You chose “Stackable” and also typed an “Other” answer: choose “Other” or clear the text."
    )


def test_single_choice_unknown_option_is_refused():
    assert error_of(q("single_choice", **MODEL), {"choice": "Diploma"}) == (
        "“Diploma” is not one of the options."
    )


def test_other_is_refused_where_the_question_does_not_offer_it():
    question = q("single_choice", choices=["A", "B"])
    assert error_of(question, {"choice": "other", "other": "C"}) == (
        "“Other” is not one of the options."
    )
    assert error_of(q("multiple_choice", choices=["A"]), {"choices": [], "other": "C"}) == (
        "This question has no “Other” option."
    )


DRIVERS = {"choices": ["Revenue", "Volume"], "allow_other": True}


def test_multiple_choice_keeps_the_questions_order_and_other_text():
    value = clean_value(
        q("multiple_choice", **DRIVERS), {"choices": ["Volume", "Revenue"], "other": "Retention"}
    )
    assert value == {"choices": ["Revenue", "Volume", "other"], "other": "Retention"}
    assert (
        display_value(q("multiple_choice", **DRIVERS), value) == "Revenue, Volume, Other: Retention"
    )


def test_multiple_choice_nothing_chosen_is_unanswered():
    assert clean_value(q("multiple_choice", **DRIVERS), {"choices": [], "other": ""}) is None


def test_multiple_choice_unknown_option_is_refused():
    assert error_of(q("multiple_choice", **DRIVERS), {"choices": ["Fame"]}) == (
        "“Fame” is not one of the options."
    )


def test_number_is_kept_exactly_as_a_decimal_string():
    assert clean_value(q("number"), "1,200.50") == "1200.5"
    assert clean_value(q("number"), "") is None
    assert error_of(q("number"), "twelve") == "Enter a number, such as 120 or 12.5."
    assert error_of(q("number"), "NaN") == "Enter a number, such as 120 or 12.5."


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("1,500", "1500"),
        ("12,345,678.25", "12345678.25"),
        ("-1,000", "-1000"),
        ("+1,000", "1000"),
        (" 999,999,999 ", "999999999"),
        ("1,000.", "1000"),
        ("1.5", "1.5"),
        ("1500", "1500"),
    ],
)
def test_number_accepts_commas_that_group_thousands(raw, stored):
    assert clean_value(q("number"), raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1,5", "Type 1.5 for one point five; “1,5” would read as 15."),
        ("1,50", "Type 1.50 for one point five; “1,50” would read as 150."),
        ("450,00", "Type 450.00 for four hundred fifty; “450,00” would read as 45000."),
        (
            "1.234,5",
            "Type 1234.5 for one thousand two hundred thirty-four point five; “1.234,5” "
            "would read as 1.2345.",
        ),
        ("1000,000", "Type 1000.000 for one thousand; “1000,000” would read as 1000000."),
        ("-0,25", "Type -0.25 for minus zero point two five; “-0,25” would read as -25."),
    ],
)
def test_number_refuses_a_decimal_comma_saying_how_it_would_read(raw, message):
    """In English "450,00" is 45000 to a reader who drops the comma, 450 to its writer."""
    assert error_of(q("number"), raw) == message
    assert error_of(q("money"), {"amount": raw, "currency": "EUR"}) == message


@pytest.mark.parametrize("raw", [",100", "1,,000", "1,000,00", "1,"])
def test_number_refuses_a_comma_that_is_not_a_thousands_separator(raw):
    assert error_of(q("number"), raw) == (
        f"“{raw}” is not a number: use a point for decimals (1.5) and commas only between "
        "groups of three digits (1,500)."
    )


def test_number_refuses_underscores_between_digits():
    """Python reads 1_5 as 15; a program manager never means that."""
    assert error_of(q("number"), "1_5") == "Enter a number, such as 120 or 12.5."
    assert error_of(q("number"), "1_000") == "Enter a number, such as 120 or 12.5."


@pytest.mark.parametrize("raw", ["١٢٣", "۱۲۳", "１２３", "1٢3", "١,٢٣٤"])
def test_number_refuses_digits_other_than_0_to_9(raw):
    """Python reads Arabic-Indic, Persian and full-width digits as numbers; the answer
    keeps what was meant only if it is typed with 0 to 9."""
    assert error_of(q("number"), raw) == (
        f"“{raw}” has digits other than 0 to 9: type the number with 0 to 9, such as 120."
    )
    assert error_of(q("money"), {"amount": raw, "currency": "USD"}) == (
        f"“{raw}” has digits other than 0 to 9: type the number with 0 to 9, such as 120."
    )


@pytest.mark.parametrize("raw", ["1e3", "1E5", "Infinity", "--1", "1.2.3", "0x10", "1 000"])
def test_number_refuses_what_only_python_reads_as_a_number(raw):
    assert error_of(q("number"), raw) == "Enter a number, such as 120 or 12.5."
    assert error_of(q("money"), {"amount": raw, "currency": "USD"}) == (
        "Enter an amount, such as 249 or 249.99."
    )


@pytest.mark.parametrize(
    ("raw", "stored"), [("+5", "5"), ("-5", "-5"), (".5", "0.5"), ("5.", "5"), ("007", "7")]
)
def test_number_takes_a_sign_and_one_decimal_point(raw, stored):
    assert clean_value(q("number"), raw) == stored


def test_money_reads_commas_as_numbers_do():
    assert clean_value(q("money"), {"amount": "1,500.50", "currency": "USD"}) == {
        "amount": "1500.50",
        "currency": "USD",
    }
    assert error_of(q("money"), {"amount": "249,99", "currency": "EUR"}) == (
        "Type 249.99 for two hundred forty-nine point nine nine; “249,99” would read as 24999."
    )


def test_money_has_two_decimals_and_a_currency():
    value = clean_value(q("money"), {"amount": "249", "currency": "eur"})
    assert value == {"amount": "249.00", "currency": "EUR"}
    assert display_value(q("money"), value) == "249.00 EUR"


def test_money_defaults_to_the_default_currency(settings):
    settings.DEFAULT_CURRENCY = "CAD"
    assert clean_value(q("money"), {"amount": "10", "currency": ""}) == {
        "amount": "10.00",
        "currency": "CAD",
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"amount": "-5", "currency": "USD"}, "An amount cannot be negative."),
        ({"amount": "9.999", "currency": "USD"}, "Use at most two decimal places, such as 249.99."),
        ({"amount": "ten", "currency": "USD"}, "Enter an amount, such as 249 or 249.99."),
        ({"amount": "10", "currency": "XYZ"}, "“XYZ” is not a currency we know."),
    ],
)
def test_money_refuses_bad_amounts_and_currencies(raw, message):
    assert error_of(q("money"), raw) == message


def test_date_is_iso_and_shown_in_words():
    assert clean_value(q("date"), "2027-09-01") == "2027-09-01"
    assert display_value(q("date"), "2027-09-01") == "1 September 2027"
    assert error_of(q("date"), "01/09/2027") == "Enter a date as YYYY-MM-DD, such as 2026-09-01."
    assert error_of(q("date"), "1492-10-12") == "Enter a date between the years 1900 and 2200."


def test_a_value_of_the_wrong_shape_is_refused():
    assert error_of(q("yes_no"), "yes") == "This answer is not in the expected form."


def test_a_yes_no_whose_explanation_is_required_refuses_a_bare_choice():
    question = q("yes_no", explanation_required=True)
    assert error_of(question, {"choice": "yes", "explanation": "  "}) == (
        "This question asks more than yes or no: add the explanation."
    )
    assert clean_value(question, {"choice": "no", "explanation": "Already fits."}) == {
        "choice": "no",
        "explanation": "Already fits.",
    }
    assert clean_value(question, {"choice": "", "explanation": ""}) is None


def test_a_required_explanation_is_labelled_and_marked_for_the_autosave():
    explained, plain = q("yes_no", explanation_required=True), q("yes_no")
    required = kind_of(explained).form_fields(explained)
    optional = kind_of(plain).form_fields(plain)
    assert required["explanation"].label == "Explanation (required)"
    assert "data-explanation-required" in required["explanation"].widget.attrs
    assert optional["explanation"].label == "Explanation"
    assert "data-explanation-required" not in optional["explanation"].widget.attrs


# --- one list of kinds, each shown by its own template ------------------------------


def test_the_question_kinds_are_the_kinds_registry():
    expected = [(name, kind.label) for name, kind in KINDS.items()]
    assert Question.Kind.choices == expected
    assert Question._meta.get_field("kind").choices == expected
    assert Question.Kind.LONG_TEXT == "long_text"
    assert Question.Kind("yes_no").label == "Yes / no (with explanation)"


SCRIPT = "<script>alert(1)</script>"
# Each kind's stored sample value and the HTML its template shows for it.
SHOWN = {
    "short_text": (
        {},
        f"Revenue {SCRIPT}",
        "<p>Revenue &lt;script&gt;alert(1)&lt;/script&gt;</p>",
    ),
    "long_text": (
        {},
        f"First line\nsecond {SCRIPT}\n\nNext paragraph.",
        "<p>First line<br>second &lt;script&gt;alert(1)&lt;/script&gt;</p>\n\n"
        "<p>Next paragraph.</p>",
    ),
    "yes_no": (
        {},
        {"choice": "yes", "explanation": f"Two {SCRIPT}\nlines."},
        '<p class="yes-no">Yes</p><p>Two &lt;script&gt;alert(1)&lt;/script&gt;<br>lines.</p>',
    ),
    "single_choice": (
        {"choices": ["Revenue"], "allow_other": True},
        {"choice": "other", "other": SCRIPT},
        "<p>Other: &lt;script&gt;alert(1)&lt;/script&gt;</p>",
    ),
    "multiple_choice": (
        {"choices": ["Revenue", "Reach"], "allow_other": True},
        {"choices": ["Revenue", "other"], "other": "Prestige"},
        "<p>Revenue, Other: Prestige</p>",
    ),
    "number": ({}, "1500.5", "<p>1500.5</p>"),
    "money": ({}, {"amount": "1249.00", "currency": "EUR"}, "<p>1,249.00 EUR</p>"),
    "date": ({}, "2026-09-01", "<p>1 September 2026</p>"),
    "record_set": ({}, 3, "<p>3 rows</p>"),
}


def test_every_kind_has_a_sample_here_and_a_display_template():
    assert SHOWN.keys() == KINDS.keys()
    for kind in KINDS.values():
        assert get_template(kind.template)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_shows_a_stored_value_through_its_template_escaped(kind):
    fields, value, html = SHOWN[kind]
    template = Template("{% load answers %}{% show_answer question value %}")
    shown = template.render(Context({"question": q(kind, **fields), "value": value}))
    assert shown.strip() == html


def test_an_unanswered_question_shows_nothing():
    template = Template("{% load answers %}[{% show_answer question value %}]")
    assert template.render(Context({"question": q("long_text"), "value": None})) == "[]"


def test_no_template_branches_on_a_question_kind():
    root = Path(settings.BASE_DIR)
    branching = [
        str(path.relative_to(root))
        for directory in ("microcred", "templates", *PHASE_APPS)
        for path in (root / directory).rglob("*.html")
        if re.search(r"kind ==|\.kind\b", path.read_text(encoding="utf-8"))
    ]
    assert branching == []
