"""A results file's shape, found in its bytes before any score is parsed: its first row (a
header or the first candidate's), how many candidates follow it, and the refusal of a file
beyond what an assessment can be (ScoreFileBounds). Without pandas, so that the web
process checks an upload with it before keeping it; score_files.py parses the scores."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, cast

from django.conf import settings

# What counts as a score: a plain decimal number (no thousands separators, no "inf").
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
ENCODING = "utf-8-sig"  # UTF-8, with or without the byte order mark spreadsheets write
MIN_ITEMS = 2
# What a cell may take (an item's name in a header: some exports put the question's text
# there), so that a row of a file within the bounds is parsed in a bounded amount of memory.
BYTES_PER_COLUMN = 1024
CHUNK_BYTES = 2**20

NOT_UTF8 = "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”."


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
    # The lines with text after a header: at least the rows a CSV reader finds (a quoted
    # line break makes one row of two lines), so a matrix of this many rows holds them.
    candidates: int

    @property
    def items(self) -> int:
        return len(self.first_row) - 1


def is_number(cell: str) -> bool:
    return NUMBER.fullmatch(cell.strip()) is not None


def score_file_shape(handle: IO[bytes], *, bounds: ScoreFileBounds | None) -> ScoreFileShape:
    """The shape of a binary file handle (seekable), or ScoreFileError: not UTF-8, empty,
    fewer than 2 items, or beyond `bounds` (more items or candidates, or a first row longer
    than a header of that many items may be). The first row is read within a bounded
    number of characters, then the lines are counted and measured: nothing else is
    parsed. A row longer than `bounds` allow is refused too (1 kB a column)."""
    handle.seek(0)
    try:
        # In characters, which are never more than the bytes.
        first_row = _first_row(handle, max_chars=bounds.max_row_bytes if bounds else None)
    except _FirstRowTooLong:
        # Only a bounded read is cut short.
        raise _first_row_too_long(handle, cast(ScoreFileBounds, bounds)) from None
    items = len(first_row) - 1
    if items < MIN_ITEMS:
        raise ScoreFileError(
            f"The file has {items} item column{'s' if items != 1 else ''}: at least "
            f"{MIN_ITEMS} items are needed, each in a column after the candidate's identifier "
            "(columns are separated by commas)."
        )
    if bounds and items > bounds.max_items:
        raise _too_many_items(items, bounds)
    has_header = not all(is_number(cell) for cell in first_row[1:])
    lines = _count_lines(handle, max_bytes=bounds.max_row_bytes if bounds else None)
    handle.seek(0)
    candidates = lines.with_text - (1 if has_header else 0)
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
    return ScoreFileShape(first_row=first_row, has_header=has_header, candidates=candidates)


def _too_many_items(items: int, bounds: ScoreFileBounds) -> ScoreFileError:
    return ScoreFileError(
        f"The file has {items:,} item columns: at most {bounds.max_items:,} items are "
        "accepted, each in a column after the candidate's identifier."
    )


class _FirstRowTooLong(Exception):
    pass


def _bounded_lines(text: io.TextIOWrapper, max_chars: int | None) -> Iterator[str]:
    """The text's lines, for a CSV reader, until more than `max_chars` were read."""
    remaining = max_chars
    while True:
        if remaining is None:
            line = text.readline()
        else:
            line = text.readline(remaining + 1)
            remaining -= len(line)
            if remaining < 0:
                raise _FirstRowTooLong
        if not line:
            return
        yield line


def _first_row(handle: IO[bytes], *, max_chars: int | None) -> list[str]:
    text = io.TextIOWrapper(handle, encoding=ENCODING, newline="")
    reader = csv.reader(_bounded_lines(text, max_chars))
    try:
        for row in reader:
            if row:
                return row
    except UnicodeDecodeError:
        raise ScoreFileError(NOT_UTF8) from None
    except csv.Error as error:
        raise ScoreFileError(f"Row 1 is not valid CSV ({error}).") from None
    finally:
        text.detach()  # leave the binary handle open for the next pass
    raise ScoreFileError("The file is empty: it has no rows of scores.")


def _first_row_too_long(handle: IO[bytes], bounds: ScoreFileBounds) -> ScoreFileError:
    items = _first_line_columns(handle) - 1
    if items > bounds.max_items:
        return _too_many_items(items, bounds)
    return ScoreFileError(
        f"Row 1 is longer than {bounds.max_row_bytes // 1024:,} kB, the most a header row "
        f"of {bounds.max_items:,} items may be (1 kB a column): shorten the items' names."
    )


def _first_line_columns(handle: IO[bytes]) -> int:
    """The columns of the first line with text, one more than its commas, for a message
    when that line is too long to parse (a comma in quotes counts too)."""
    handle.seek(0)
    commas, has_text = 0, False
    while chunk := handle.read(CHUNK_BYTES):
        start = 0
        while start < len(chunk):
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end < 0 else end
            commas += chunk.count(b",", start, stop)
            has_text = has_text or bool(chunk[start:stop].strip())
            if end >= 0 and has_text:
                return commas + 1
            start = stop + 1
    return commas + 1


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
