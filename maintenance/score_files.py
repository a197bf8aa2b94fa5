"""Reading a CSV of assessment results: the candidate's identifier in the first column,
one item's score in each other column, an optional header row.

The fast path reads the whole file with pandas' C parser. When it finds anything wrong,
a second pass with the csv module walks the rows to name the first problem by its row
and column: errors cost time, correct files do not.
"""

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd

from .psychometrics import FloatArray

# What counts as a score: a plain decimal number (no thousands separators, no "inf").
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
ENCODING = "utf-8-sig"  # UTF-8, with or without the byte order mark spreadsheets write
MIN_CANDIDATES = 2
MIN_ITEMS = 2

NOT_UTF8 = "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”."


class ScoreFileError(ValueError):
    """The file cannot be analysed; the message says where and why, for the planner."""


@dataclass(frozen=True)
class ScoreMatrix:
    item_names: list[str]
    scores: FloatArray  # candidates x items


def is_number(cell: str) -> bool:
    return NUMBER.fullmatch(cell.strip()) is not None


def cell_name(row_number: int, column: int, item_names: list[str]) -> str:
    name = f"Row {row_number}, column {column}"
    if 2 <= column <= len(item_names) + 1:
        name += f' ("{item_names[column - 2]}")'
    return name


def read_score_file(handle: IO[bytes], *, max_mark: float) -> ScoreMatrix:
    """The scores of a binary file handle (seekable), or ScoreFileError naming the first
    problem: a score that is not a number, below 0 or above `max_mark`; a row with
    fewer or more cells than the first; fewer than 2 candidates or 2 items."""
    first_row = _first_row(handle)
    has_header = not all(is_number(cell) for cell in first_row[1:])
    width = len(first_row)
    if has_header:
        item_names = [cell.strip() or f"item {j}" for j, cell in enumerate(first_row[1:], 1)]
    else:
        item_names = [f"item {j}" for j in range(1, width)]
    if width - 1 < MIN_ITEMS:
        raise ScoreFileError(
            f"The file has {width - 1} item column{'s' if width != 2 else ''}: at least "
            f"{MIN_ITEMS} items are needed, each in a column after the candidate's identifier "
            "(columns are separated by commas)."
        )
    handle.seek(0)
    try:
        scores = _fast_scores(handle, width=width, skip_header=has_header)
    except (pd.errors.ParserError, ValueError):
        scores = None
    if scores is None or not _all_within(scores, max_mark):
        handle.seek(0)
        _raise_first_problem(
            handle, item_names=item_names, has_header=has_header, max_mark=max_mark
        )
        raise ScoreFileError(
            "The scores could not be read as numbers; check that every score is a plain "
            "number such as 1 or 0.5."
        )
    if scores.shape[0] < MIN_CANDIDATES:
        raise ScoreFileError(
            f"The file has {scores.shape[0]} candidate row{'s' if scores.shape[0] != 1 else ''}:"
            f" at least {MIN_CANDIDATES} candidates are needed."
        )
    return ScoreMatrix(item_names=item_names, scores=scores)


def _text(handle: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding=ENCODING, newline="")


def _first_row(handle: IO[bytes]) -> list[str]:
    text = _text(handle)
    try:
        for row in csv.reader(text):
            if row:
                return row
    except UnicodeDecodeError:
        raise ScoreFileError(NOT_UTF8) from None
    except csv.Error as error:
        raise ScoreFileError(f"Row 1 is not valid CSV ({error}).") from None
    finally:
        text.detach()  # leave the binary handle open for the next pass
    raise ScoreFileError("The file is empty: it has no rows of scores.")


def _fast_scores(handle: IO[bytes], *, width: int, skip_header: bool) -> FloatArray:
    """The scores as float64; ValueError when a cell is not a number."""
    frame = pd.read_csv(
        handle,
        header=None,
        names=range(width),
        skiprows=1 if skip_header else 0,
        # Parsed straight to float64 (a non-number raises ValueError), the identifier as text.
        dtype={0: str} | dict.fromkeys(range(1, width), np.float64),
        keep_default_na=False,
        na_values=[""],
        encoding=ENCODING,
        engine="c",
    )
    return frame.iloc[:, 1:].to_numpy(dtype=np.float64)


def _all_within(scores: FloatArray, max_mark: float) -> bool:
    # NaN (an empty cell or a short row) fails both comparisons.
    return bool(((scores >= 0) & (scores <= max_mark)).all())


def _raise_first_problem(
    handle: IO[bytes], *, item_names: list[str], has_header: bool, max_mark: float
) -> None:
    width = len(item_names) + 1
    expected = f"every row needs {width} (the candidate's identifier and {width - 1} scores)"
    text = _text(handle)
    reader = csv.reader(text)
    try:
        for index, row in enumerate(reader):
            if not row or (index == 0 and has_header):
                continue
            number = reader.line_num
            if len(row) > width:
                raise ScoreFileError(
                    f"{cell_name(number, width + 1, item_names)}: an extra cell; the row has "
                    f"{len(row)} cells, {expected}."
                )
            if len(row) < width:
                raise ScoreFileError(
                    f"{cell_name(number, len(row) + 1, item_names)}: missing; the row has "
                    f"{len(row)} cell{'s' if len(row) != 1 else ''}, {expected}."
                )
            for column, cell in enumerate(row[1:], 2):
                _check_score(cell, where=cell_name(number, column, item_names), max_mark=max_mark)
    except UnicodeDecodeError:
        raise ScoreFileError(NOT_UTF8) from None
    except csv.Error as error:
        raise ScoreFileError(f"Row {reader.line_num} is not valid CSV ({error}).") from None
    finally:
        text.detach()


def _check_score(cell: str, *, where: str, max_mark: float) -> None:
    value = cell.strip()
    if not value:
        raise ScoreFileError(f"{where}: no score (the cell is empty).")
    if not is_number(value):
        raise ScoreFileError(f'{where}: "{value}" is not a number.')
    score = float(value)
    if not math.isfinite(score):
        raise ScoreFileError(f'{where}: "{value}" is not a number.')
    if score < 0:
        raise ScoreFileError(f"{where}: {value} is below 0.")
    if score > max_mark:
        raise ScoreFileError(f"{where}: {value} is above the maximum mark of {max_mark:g}.")
