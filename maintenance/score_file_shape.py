"""A results file's shape, found in its bytes before any score is parsed: the character
that separates its columns (a comma, a semicolon or a tab), its first row (a header or the
first candidate's), the maximum marks of its "max" row if it has one, how many candidates
follow, and the refusal of a file beyond what an assessment can be (ScoreFileBounds).
Without pandas, so that the web process checks an upload with it before keeping it;
score_files.py parses the scores."""

import codecs
import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, cast

from django.conf import settings

# What counts as a score: a plain decimal number (no thousands separators, no "inf").
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# A number written with a decimal comma, as spreadsheets that separate columns with
# semicolons or tabs write them in many languages.
DECIMAL_COMMA_NUMBER = re.compile(r"[+-]?(\d+,\d*|,\d+)")
ENCODING = "utf-8-sig"  # UTF-8, with or without the byte order mark spreadsheets write
MIN_ITEMS = 2
# What a cell may take (an item's name in a header: some exports put the question's text
# there), so that a row of a file within the bounds is parsed in a bounded amount of memory.
BYTES_PER_COLUMN = 1024
CHUNK_BYTES = 2**20

NOT_UTF8 = "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”."
# What may separate the columns, as spreadsheets write CSV in various languages.
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
# The start of the file that the separator is told from (whole lines of it).
SEPARATOR_SAMPLE_BYTES = 64 * 1024
# The identifier of the optional row, first after the header, of each item's maximum mark.
MAX_ROW_LABEL = "max"


class ScoreFileError(ValueError):
    """The file cannot be analysed; the message says where and why, for the planner."""


@dataclass(frozen=True)
class ScoreFileBounds:
    """The most an uploaded file may hold: more is refused before anything is parsed."""

    max_items: int
    max_candidates: int

    @property
    def max_row_bytes(self) -> int:
        return (self.max_items + 1) * BYTES_PER_COLUMN


def upload_bounds() -> ScoreFileBounds:
    """The bounds of an upload (settings). `manage.py item_analysis` on the server has none."""
    return ScoreFileBounds(
        max_items=settings.PSYCHOMETRICS_MAX_ITEMS,
        max_candidates=settings.PSYCHOMETRICS_MAX_CANDIDATES,
    )


@dataclass(frozen=True)
class ScoreFileShape:
    first_row: list[str]
    has_header: bool
    # The lines with text after a header and a max row: at least the rows a CSV reader
    # finds (a quoted line break makes one row of two lines), so a matrix of this many
    # rows holds them.
    candidates: int
    separator: str = ","
    # Each item's maximum mark, from the file's max row; None without one.
    max_marks: list[float] | None = None
    # Its decimals are written with a comma (0,5), as its first lines show.
    decimal_comma: bool = False

    @property
    def rows_before_scores(self) -> int:
        """The header and the max row, which the first candidate's row follows."""
        return int(self.has_header) + int(self.max_marks is not None)

    @property
    def items(self) -> int:
        return len(self.first_row) - 1


def is_number(cell: str) -> bool:
    return NUMBER.fullmatch(cell.strip()) is not None


def with_decimal_point(cell: str, *, decimal_comma: bool) -> str:
    """A cell as Python reads numbers: its decimal comma made a point, in a file that
    writes them so (a point there stays, and is refused as not its way)."""
    value = cell.strip()
    return value.replace(",", ".", 1) if decimal_comma and "." not in value else value


def score_file_shape(handle: IO[bytes], *, bounds: ScoreFileBounds | None) -> ScoreFileShape:
    """The shape of a binary file handle (seekable), or ScoreFileError: not UTF-8, empty,
    its separator not to be told, fewer than 2 items, a max row that does not give each
    item a maximum mark above 0, or beyond `bounds` (more items or candidates, or a first
    row longer than a header of that many items may be). The first rows are read within a
    bounded number of characters, then the lines are counted and measured: nothing else
    is parsed. A row longer than `bounds` allow is refused too (1 kB a column)."""
    sample = _sample(handle)
    separator = _separator(sample)
    decimal_comma = _writes_decimal_commas(sample, separator=separator)
    try:
        # In characters, which are never more than the bytes.
        first_row, next_row = _first_rows(
            handle, separator=separator, max_chars=bounds.max_row_bytes if bounds else None
        )
    except _FirstRowTooLong:
        # Only a bounded read is cut short.
        raise _first_row_too_long(handle, cast(ScoreFileBounds, bounds), separator) from None
    items = len(first_row) - 1
    if items < MIN_ITEMS:
        raise ScoreFileError(
            f"The file has {items} item column{'s' if items != 1 else ''}: at least "
            f"{MIN_ITEMS} items are needed, each in a column after the candidate's identifier "
            "(columns are separated by commas, semicolons or tabs)."
        )
    if bounds and items > bounds.max_items:
        raise _too_many_items(items, bounds)
    has_header = not all(
        is_number(with_decimal_point(cell, decimal_comma=decimal_comma)) for cell in first_row[1:]
    )
    max_row, max_row_number = (next_row, 2) if has_header else (first_row, 1)
    max_marks = _max_marks(
        max_row, row_number=max_row_number, items=items, decimal_comma=decimal_comma
    )
    lines = _count_lines(handle, max_bytes=bounds.max_row_bytes if bounds else None)
    handle.seek(0)
    candidates = lines.with_text - int(has_header) - int(max_marks is not None)
    if bounds and candidates > bounds.max_candidates:
        raise ScoreFileError(
            f"The file has {candidates:,} candidate rows: at most {bounds.max_candidates:,} "
            "candidates are accepted (for more, analyse them with `manage.py item_analysis` "
            "on the server)."
        )
    if bounds and lines.first_too_long is not None:
        raise ScoreFileError(
            f"Row {lines.first_too_long:,} is longer than {bounds.max_row_bytes // 1024:,} kB, "
            f"the most a row of {bounds.max_items:,} items may be (1 kB a column)."
        )
    return ScoreFileShape(
        first_row=first_row,
        has_header=has_header,
        candidates=candidates,
        separator=separator,
        max_marks=max_marks,
        decimal_comma=decimal_comma,
    )


def _sample(handle: IO[bytes]) -> str:
    """The file's first lines, as text (whole lines when the file is longer)."""
    handle.seek(0)
    start = handle.read(SEPARATOR_SAMPLE_BYTES)
    handle.seek(0)
    try:
        # Not final: the sample may end within a character.
        sample = codecs.getincrementaldecoder(ENCODING)().decode(start, final=False)
    except UnicodeDecodeError:
        raise ScoreFileError(NOT_UTF8) from None
    if len(start) == SEPARATOR_SAMPLE_BYTES and "\n" in sample:
        return sample[: sample.rindex("\n")]
    return sample


def _separator(sample: str) -> str:
    """The character between the file's columns: the only one of SEPARATORS in its first
    lines, else the one csv.Sniffer finds used as consistently as a separator is (a comma
    by default, for a file of one column); ScoreFileError when it cannot tell."""
    present = [separator for separator in SEPARATORS if separator in sample]
    if len(present) <= 1:
        return present[0] if present else ","
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(present)).delimiter
    except csv.Error:
        found = " and ".join(SEPARATORS[separator] for separator in present)
        raise ScoreFileError(
            f"The columns' separator cannot be told: the first rows hold {found}, none of "
            "them the same number of times in every row. Separate the columns with one of "
            "commas, semicolons or tabs throughout (a cell that holds that character in "
            "quotes)."
        ) from None


def _writes_decimal_commas(sample: str, *, separator: str) -> bool:
    """Whether a score of the first lines (a cell after the identifier's) is a number with
    a decimal comma, in a file whose columns are not separated by commas."""
    if separator == ",":
        return False
    try:
        rows = csv.reader(io.StringIO(sample), delimiter=separator)
        return any(DECIMAL_COMMA_NUMBER.fullmatch(cell.strip()) for row in rows for cell in row[1:])
    except csv.Error:  # the reading that follows says where
        return False


def _max_marks(
    row: list[str] | None, *, row_number: int, items: int, decimal_comma: bool
) -> list[float] | None:
    """Each item's maximum mark, when `row` is the max row (its identifier "max")."""
    if row is None or row[0].strip().lower() != MAX_ROW_LABEL:
        return None
    where = f"Row {row_number} (the maximum marks)"
    if len(row) != items + 1:
        raise ScoreFileError(
            f"{where} has {len(row)} cells: it needs {items + 1}, “{MAX_ROW_LABEL}” then "
            "each item's maximum mark."
        )
    marks = []
    for column, cell in enumerate(row[1:], 2):
        value = cell.strip()
        number = with_decimal_point(value, decimal_comma=decimal_comma)
        mark = float(number) if is_number(number) else math.nan
        if not (math.isfinite(mark) and mark > 0):
            raise ScoreFileError(
                f'{where}, column {column}: "{value}" is not a maximum mark (a number above 0).'
            )
        marks.append(mark)
    return marks


def _too_many_items(items: int, bounds: ScoreFileBounds) -> ScoreFileError:
    return ScoreFileError(
        f"The file has {items:,} item columns: at most {bounds.max_items:,} items are "
        "accepted, each in a column after the candidate's identifier."
    )


class _FirstRowTooLong(Exception):
    pass


class _BoundedLines:
    """The text's lines, for a CSV reader, until more than `max_chars` were read since
    the last `reset`."""

    def __init__(self, text: io.TextIOWrapper, max_chars: int | None) -> None:
        self.text = text
        self.max_chars = max_chars
        self.reset()

    def reset(self) -> None:
        self.remaining = self.max_chars

    def __iter__(self) -> Iterator[str]:
        while True:
            if self.remaining is None:
                line = self.text.readline()
            else:
                line = self.text.readline(self.remaining + 1)
                self.remaining -= len(line)
                if self.remaining < 0:
                    raise _FirstRowTooLong
            if not line:
                return
            yield line


def _first_rows(
    handle: IO[bytes], *, separator: str, max_chars: int | None
) -> tuple[list[str], list[str] | None]:
    """The first row with text, and the next one (None when there is none, or when it is
    longer than `max_chars`: the line count refuses it then)."""
    text = io.TextIOWrapper(handle, encoding=ENCODING, newline="")
    lines = _BoundedLines(text, max_chars)
    reader = csv.reader(lines, delimiter=separator)
    rows = (row for row in reader if row)
    try:
        first_row = next(rows, None)
        if first_row is None:
            raise ScoreFileError("The file is empty: it has no rows of scores.")
        lines.reset()
        try:
            next_row = next(rows, None)
        except (_FirstRowTooLong, csv.Error):
            next_row = None
    except UnicodeDecodeError:
        raise ScoreFileError(NOT_UTF8) from None
    except csv.Error as error:
        raise ScoreFileError(f"Row 1 is not valid CSV ({error}).") from None
    finally:
        text.detach()  # leave the binary handle open for the next pass
    return first_row, next_row


def _first_row_too_long(
    handle: IO[bytes], bounds: ScoreFileBounds, separator: str
) -> ScoreFileError:
    items = _first_line_columns(handle, separator.encode()) - 1
    if items > bounds.max_items:
        return _too_many_items(items, bounds)
    return ScoreFileError(
        f"Row 1 is longer than {bounds.max_row_bytes // 1024:,} kB, the most a header row "
        f"of {bounds.max_items:,} items may be (1 kB a column): shorten the items' names."
    )


def _first_line_columns(handle: IO[bytes], separator: bytes) -> int:
    """The columns of the first line with text, one more than its separators, for a
    message when that line is too long to parse (a separator in quotes counts too)."""
    handle.seek(0)
    separators, has_text = 0, False
    while chunk := handle.read(CHUNK_BYTES):
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end < 0 else end
            separators += chunk.count(separator, start, stop)
            has_text = has_text or bool(chunk[start:stop].strip())
            if end >= 0 and has_text:
                return separators + 1
            start = stop + 1
    return separators + 1


@dataclass(frozen=True)
class _Lines:
    with_text: int  # CSV readers skip the blank ones
    first_too_long: int | None  # the number of the first line longer than asked, if any


def _count_lines(handle: IO[bytes], *, max_bytes: int | None) -> _Lines:
    """The lines of the file, counted and measured in its bytes (\r\n, \r and \n end
    one, as for a CSV reader)."""
    handle.seek(0)
    with_text = ended = 0
    first_too_long = None
    current = 0  # the bytes so far of the line the last chunk ended in
    while chunk := handle.read(CHUNK_BYTES):
        if chunk.endswith(b"\r"):
            chunk += handle.read(1)  # keep a \r\n together
        *complete, rest = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        if not complete:
            current += len(rest)
            continue
        lengths = [current + len(complete[0]), *map(len, complete[1:])]
        with_text += len(lengths) - lengths.count(0)
        if first_too_long is None and max_bytes is not None and max(lengths) > max_bytes:
            first_too_long = ended + 1 + next(i for i, n in enumerate(lengths) if n > max_bytes)
        ended += len(lengths)
        current = len(rest)
    if current and first_too_long is None and max_bytes is not None and current > max_bytes:
        first_too_long = ended + 1
    return _Lines(with_text=with_text + (1 if current else 0), first_too_long=first_too_long)
