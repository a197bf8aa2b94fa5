"""Text that people type: one-line fields stay one line, and no field carries control
characters, which break e-mail headers, PDFs and PostgreSQL (a NUL byte)."""

import re

from django.core.exceptions import ValidationError

# C0 and C1 control characters except tab and line breaks, and the Unicode line and
# paragraph separators that some mail clients treat as line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\r\n\t\u2028\u2029]")


def _refuse_control(value: str, label: str) -> None:
    found = _CONTROL.search(value)
    if found:
        raise ValidationError(
            f"The {label} contains an invisible control character "
            f"(U+{ord(found.group()):04X}); remove it and try again.",
            code="control_character",
        )


def validate_single_line(value: str, *, label: str) -> None:
    """Titles, names and organizations: one line of printable text."""
    if _LINE_BREAK.search(value):
        raise ValidationError(
            f"The {label} must fit on one line: remove the line break.", code="line_break"
        )
    _refuse_control(value, label)


def validate_plain_text(value: str, *, label: str) -> None:
    """Summaries, comments and notes: line breaks and tabs allowed, no other control
    characters."""
    _refuse_control(value, label)
