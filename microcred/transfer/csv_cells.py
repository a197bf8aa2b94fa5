"""What a cell of our CSV files holds.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and some, one
starting with a tab or a carriage return) as a formula, so that a planner's answer could
run code or send data away on the reader's computer when the file is opened. Such text
cells are written with a leading single quote (`'=SUM(A1)`), which spreadsheets show as
text. So is each part of a cell that a spreadsheet may take as a cell of its own: one whose
list separator is a semicolon (or a tab, or that splits on commas) opens this file split
at every one of them, quotes or not, and at its line breaks: `x;=1+1` is written
`x;'=1+1`. Numbers we write ourselves (ids, version numbers, the answers of number
questions, the numeric columns of a record type) are true numeric cells: they are written
as they are, a negative one with its minus sign, but only when the whole cell is a number.

A record type's CSV holds each cell's value, not its text as pages show it, so that
spreadsheets can sum and sort them: numbers plain (a dot before the decimals, no thousands
separator: `2507.50`), an amount's currency in a column of its own after it, dates as ISO
dates (`2027-06-14`), yes/no cells as `true`/`false`.
"""

import datetime
import re
from decimal import Decimal

from django.db import models

from microcred.questionnaires.kinds import date_text
from microcred.records.cells import Column, cell_text
from microcred.records.models import PlanRecord

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a part of a text cell that a spreadsheet may read as a cell starts like a formula:
# the cell's start, or after a separator of any locale (comma, semicolon, tab) or a line
# break (a tab or carriage return there is itself a split, and the part after it is checked).
FORMULA_PART = re.compile(r"^(?=[=+\-@\t\r])|(?<=[,;\t\r\n])(?=[=+\-@])")
# A number as we write one: an integer or a decimal, with or without thousands separators.
NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def text_cell(text: str) -> str:
    """Text as a spreadsheet shows it, never run as a formula: a quote before each part
    that would start one."""
    return FORMULA_PART.sub("'", text)


def number_cell(number: object) -> str:
    """A number as a true numeric cell; anything that is not wholly a number is text."""
    text = str(number)
    return text if NUMBER.fullmatch(text) else text_cell(text)


def plain_number(number: Decimal | int) -> str:
    """A number as spreadsheets read one in any locale: "12.5", "-3", "1500"."""
    if isinstance(number, Decimal):
        return f"{number.normalize():f}"
    return str(number)


def date_of_text(text: str) -> datetime.date | None:
    """The day a computed cell's text names, written as pages write dates ("1 June
    2027"), or None: computed columns give their text only."""
    try:
        day = datetime.datetime.strptime(text, "%d %B %Y").date()  # noqa: DTZ007 - a day
    except ValueError:
        return None
    return day if date_text(day) == text else None


def computed_cell(text: str, *, numeric: bool) -> str:
    day = date_of_text(text)
    if day is not None:
        return day.isoformat()
    if numeric and NUMBER.fullmatch(text):
        return text.replace(",", "")
    return text_cell(text)


def record_cells(record: PlanRecord, column: Column) -> list[str]:
    """One column's cells of a row, as values spreadsheets compute with: an amount and
    its currency (two cells), a plain number, an ISO date, true or false; anything else as
    text (quoted where it would start a formula)."""
    if column.value is not None:
        return [computed_cell(column.value(record), numeric=column.numeric)]
    model_field = record._meta.get_field(column.field)
    value = None if model_field.many_to_many else getattr(record, column.field)
    if isinstance(value, Decimal) and column.currency:
        return [f"{value:.2f}", text_cell(getattr(record, column.currency))]
    if column.currency:
        return ["", ""]
    has_choices = isinstance(model_field, models.Field) and bool(model_field.choices)
    if value is None or value == "" or has_choices or model_field.many_to_many:
        return [text_cell(cell_text(record, column))]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, Decimal | int):
        return [plain_number(value)]
    if isinstance(value, datetime.date):
        return [value.isoformat()]
    return [text_cell(str(value))]
