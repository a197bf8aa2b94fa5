"""Reading a CSV of assessment results: the candidate's identifier in the first column,
one item's score in each other column, an optional header row, then an optional row of
each item's maximum mark (its identifier "max"); columns separated by commas, semicolons
or tabs (told from the file's first lines).

The file's shape (its first row, how many candidates) is read first, and a file beyond
the bounds of an upload is refused before anything is parsed (score_file_shape.py). The
fast path then reads the scores with pandas' C parser, a chunk of rows at a time into one
matrix. When it finds anything wrong, a second pass with the csv module walks the rows to
name the first problem by its row and column: errors cost time, correct files do not.
"""

import csv
import io
import math
from dataclasses import dataclass
from typing import IO

import numpy as np
import pandas as pd

from .psychometrics import FloatArray
from .score_file_shape import (
    ENCODING,
    NOT_UTF8,
    ScoreFileBounds,
    ScoreFileError,
    ScoreFileShape,
    is_number,
    score_file_shape,
    with_decimal_point,
)

MIN_CANDIDATES = 2
# The characters of an item's name that are kept (in the stored figures and the table).
MAX_ITEM_NAME = 100
# Scores parsed at once: pandas' working memory stays a few times 8 MB of float64 beside
# the matrix, however many candidates there are.
SCORES_PER_CHUNK = 1_000_000


@dataclass(frozen=True)
class ScoreMatrix:
    item_names: list[str]
    scores: FloatArray  # candidates x items
    # Each item's maximum mark: from the file's max row, else the one given for all.
    max_marks: list[float]
    max_marks_in_file: bool = False

    @property
    def analysed_max_mark(self) -> float | list[float]:
        """What item_analysis takes: each item's maximum mark when the file gives them,
        else the one mark of every item."""
        return self.max_marks if self.max_marks_in_file else self.max_marks[0]


def cell_name(row_number: int, column: int, item_names: list[str]) -> str:
    name = f"Row {row_number}, column {column}"
    if 2 <= column <= len(item_names) + 1:
        name += f' ("{item_names[column - 2]}")'
    return name


def read_score_file(
    handle: IO[bytes], *, max_mark: float, bounds: ScoreFileBounds | None = None
) -> ScoreMatrix:
    """The scores of a binary file handle (seekable), or ScoreFileError naming the first
    problem: a file beyond `bounds` or of another shape (see `score_file_shape`); a score
    that is not a number, below 0 or above its item's maximum mark (the file's max row's,
    else `max_mark`); a row with fewer or more cells than the first; fewer than 2
    candidates or 2 items."""
    shape = score_file_shape(handle, bounds=bounds)
    item_names = _item_names(shape)
    max_marks = shape.max_marks or [max_mark] * shape.items
    try:
        scores = _fast_scores(handle, shape=shape, max_marks=np.array(max_marks))
    except (pd.errors.ParserError, ValueError):
        scores = None
    if scores is None:
        handle.seek(0)
        _raise_first_problem(handle, item_names=item_names, shape=shape, max_marks=max_marks)
        raise ScoreFileError(
            "The scores could not be read as numbers; check that every score is a plain "
            "number such as 1 or 0.5."
        )
    if scores.shape[0] < MIN_CANDIDATES:
        raise ScoreFileError(
            f"The file has {scores.shape[0]} candidate row{'s' if scores.shape[0] != 1 else ''}:"
            f" at least {MIN_CANDIDATES} candidates are needed."
        )
    return ScoreMatrix(
        item_names=item_names,
        scores=scores,
        max_marks=max_marks,
        max_marks_in_file=shape.max_marks is not None,
    )


def _item_names(shape: ScoreFileShape) -> list[str]:
    if not shape.has_header:
        return [f"item {j}" for j in range(1, shape.items + 1)]
    names = [cell.strip() or f"item {j}" for j, cell in enumerate(shape.first_row[1:], 1)]
    return [
        name if len(name) <= MAX_ITEM_NAME else name[: MAX_ITEM_NAME - 1] + "…" for name in names
    ]


def _text(handle: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(handle, encoding=ENCODING, newline="")


def _fast_scores(
    handle: IO[bytes], *, shape: ScoreFileShape, max_marks: FloatArray
) -> FloatArray | None:
    """The scores as float64, read a chunk at a time into a matrix of `shape.candidates`
    rows (at least the file's: its unused end is never written, so takes no memory); None
    when a score is missing or out of range, ValueError when a cell is not a number."""
    handle.seek(0)
    width, rows = len(shape.first_row), shape.candidates
    scores = np.empty((rows, width - 1))
    filled = 0
    with pd.read_csv(
        handle,
        sep=shape.separator,
        decimal="," if shape.decimal_comma else ".",
        header=None,
        names=range(width),
        skiprows=shape.rows_before_scores,
        # Parsed straight to float64 (a non-number raises ValueError), the identifier as text.
        dtype={0: str} | dict.fromkeys(range(1, width), np.float64),
        keep_default_na=False,
        na_values=[""],
        encoding=ENCODING,
        engine="c",
        chunksize=max(1, SCORES_PER_CHUNK // width),
    ) as chunks:
        for frame in chunks:
            block = frame.iloc[:, 1:].to_numpy(dtype=np.float64)
            if filled + len(block) > rows:
                raise ValueError("More rows than lines with text.")
            if not _all_within(block, max_marks):
                return None
            scores[filled : filled + len(block)] = block
            filled += len(block)
    return scores[:filled]


def _all_within(scores: FloatArray, max_marks: FloatArray) -> bool:
    # NaN (an empty cell or a short row) fails both comparisons.
    return bool(((scores >= 0) & (scores <= max_marks)).all())


def _raise_first_problem(
    handle: IO[bytes], *, item_names: list[str], shape: ScoreFileShape, max_marks: list[float]
) -> None:
    width = len(item_names) + 1
    expected = f"every row needs {width} (the candidate's identifier and {width - 1} scores)"
    text = _text(handle)
    reader = csv.reader(text, delimiter=shape.separator)
    to_skip = shape.rows_before_scores
    try:
        for row in reader:
            if not row:
                continue
            if to_skip:
                to_skip -= 1
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
                where = cell_name(number, column, item_names)
                _check_score(
                    cell,
                    where=where,
                    max_mark=max_marks[column - 2],
                    decimal_comma=shape.decimal_comma,
                )
    except UnicodeDecodeError:
        raise ScoreFileError(NOT_UTF8) from None
    except csv.Error as error:
        raise ScoreFileError(f"Row {reader.line_num} is not valid CSV ({error}).") from None
    finally:
        text.detach()


def _check_score(cell: str, *, where: str, max_mark: float, decimal_comma: bool) -> None:
    value = cell.strip()
    if not value:
        raise ScoreFileError(f"{where}: no score (the cell is empty).")
    number = with_decimal_point(value, decimal_comma=decimal_comma)
    if not is_number(number):
        if is_number(value.replace(",", ".", 1)):
            raise ScoreFileError(
                f'{where}: "{value}" is not a number: write decimals with a point '
                f"({value.replace(',', '.', 1)})."
            )
        raise ScoreFileError(f'{where}: "{value}" is not a number.')
    if decimal_comma and "." in value:
        raise ScoreFileError(
            f'{where}: "{value}" has a decimal point, where this file writes its decimals '
            f"with a comma: write {value.replace('.', ',', 1)}."
        )
    score = float(number)
    if not math.isfinite(score):
        raise ScoreFileError(f'{where}: "{value}" is not a number.')
    if score < 0:
        raise ScoreFileError(f"{where}: {value} is below 0.")
    if score > max_mark:
        raise ScoreFileError(f"{where}: {value} is above the maximum mark of {max_mark:g}.")
