"""The report's words as Word holds them: text XML can carry, dates, people's names,
heading levels."""

import datetime
import re
from typing import Protocol

# Characters XML 1.0 cannot hold (NUL and the other C0 controls but tab and line ends,
# lone surrogates, U+FFFE/U+FFFF): python-docx refuses them.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks other than "\n", including the vertical tab that Word itself uses for one.
OTHER_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# The space between an amount and its currency ("70,000.00 USD").
AMOUNT_SPACE = re.compile(r"(?<=\d) (?=[A-Z]{3}\b)")
NO_BREAK_SPACE = "\u00a0"
NO_DATA = "—"


class Person(Protocol):
    """Whoever wrote, submitted or decided something: a user."""

    username: str

    def get_full_name(self) -> str: ...


def xml_text(text: object) -> str:
    """`text` as Word can hold it: every line break as "\\n", and without the characters
    XML forbids (an answer pasted from elsewhere may carry them)."""
    return XML_INVALID.sub("", OTHER_LINE_BREAKS.sub("\n", str(text)))


def amounts_kept_whole(text: str) -> str:
    """`text` with a no-break space between each amount and its currency, so that a table
    cell never breaks "70,000.00 USD" into "70,000.00" and "USD" on lines of their own."""
    return AMOUNT_SPACE.sub(NO_BREAK_SPACE, text)


def heading_style(depth: int) -> str:
    """A question's heading style by its depth: Heading 2 for a top-level question."""
    return f"Heading {min(depth + 2, 4)}"


def person_name(user: Person | None, default: str = "a former member") -> str:
    if user is None:
        return default
    return user.get_full_name() or user.username


def day_text(moment: datetime.date | None) -> str:
    return moment.strftime("%-d %B %Y") if moment else ""


def utc_naive(moment: datetime.datetime) -> datetime.datetime:
    """Word's core properties are in UTC, written without an offset."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)
