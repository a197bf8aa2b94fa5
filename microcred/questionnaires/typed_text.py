"""Text that people type, wherever it comes from (a form, autosave, an imported file, the
admin): one-line fields stay one line, and no text carries control characters, which break
e-mail headers, PDFs, spreadsheets and PostgreSQL (a NUL byte), and hide what a reader sees.

One policy, refused rather than stripped so that nothing is changed behind the writer's
back: text written in a box (long answers, summaries, comments) keeps tabs and line breaks;
text written on one line (titles, names, short answers, a table's cells) keeps neither; no
text keeps any other control character, nor the Unicode line and paragraph separators, nor
half of a surrogate pair (which PostgreSQL cannot store). The refusal names the character
and where it is, since most of them cannot be seen.

Every writer goes through here: the answer kinds' `clean_value` (kinds/base.py,
`read_text`), a table row's form (`check_form_text` from records' RecordForm), plans,
members, comments and reviews (`validate_single_line`, `validate_plain_text`), and the
template admin and YAML import.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

# C0 and C1 control characters but tab and line breaks, the Unicode line and paragraph
# separators that some mail clients treat as line breaks, and lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LINE_BREAK_OR_TAB = re.compile(r"[\r\n\t]")

# The names of the C0 and C1 control characters (ISO 6429), which have none in Unicode's
# character names.
# fmt: off
_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
    "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
    "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
)
_C1_NAMES = (
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA",
    "HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3",
    "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA",
    "SOS", "SGC", "SCI", "CSI", "ST", "OSC", "PM", "APC",
)
# fmt: on
_OTHER_NAMES = {0x7F: "DEL", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"}


def character_name(character: str) -> str:
    """A control character as a reader can look it up: "U+001B (ESC)"."""
    code = ord(character)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif 0x80 <= code < 0xA0:
        name = _C1_NAMES[code - 0x80]
    elif 0xD800 <= code < 0xE000:
        name = "half of a surrogate pair"
    else:
        name = _OTHER_NAMES[code]
    return f"U+{code:04X} ({name})"


def _where(text: str, index: int) -> str:
    """Where the character at `index` is, counted from 1, by line when the text has
    several: a long text is read line by line."""
    line = text.count("\n", 0, index) + 1
    if line == 1:
        return f"at position {index + 1}"
    column = index - text.rfind("\n", 0, index)
    return f"at position {column} of line {line}"


def check_typed_text(text: str, *, what: str, one_line: bool) -> None:
    """Raise ValidationError, saying which character and where, when `text` cannot be
    stored: `what` names it as the start of a sentence ("This answer", "The title");
    `one_line` refuses tabs and line breaks too."""
    if one_line:
        found = _LINE_BREAK_OR_TAB.search(text)
        if found:
            kind = "tab" if found.group() == "\t" else "line break"
            raise ValidationError(
                f"{what} must fit on one line: remove the {kind}.", code="line_break"
            )
    found = _CONTROL.search(text)
    if found:
        raise ValidationError(
            f"{what} contains the control character {character_name(found.group())} "
            f"{_where(text, found.start())}: remove it and try again.",
            code="control_character",
        )


def validate_single_line(value: str, *, label: str) -> None:
    """Titles, names and organizations: one line of printable text."""
    check_typed_text(value, what=f"The {label}", one_line=True)


def validate_plain_text(value: str, *, label: str) -> None:
    """Summaries, comments and notes: line breaks and tabs allowed, no other control
    characters."""
    check_typed_text(value, what=f"The {label}", one_line=False)


def check_form_text(form: forms.BaseForm) -> None:
    """Refuse, beside its field, the text of each of the form's text fields that cannot
    be stored: a field written in a box (a Textarea) may hold several lines, any other
    one line; a list of texts (choices, one per line) holds lines. Call from `clean()`."""
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if not isinstance(field, forms.CharField) or not value:
            continue
        texts = value if isinstance(value, list) else [value]
        one_line = isinstance(value, list) or not isinstance(field.widget, forms.Textarea)
        try:
            for text in texts:
                check_typed_text(str(text), what="This text", one_line=one_line)
        except ValidationError as error:
            form.add_error(name, error)
