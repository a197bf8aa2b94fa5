"""The Word document's tables: columns sized to what they hold, never a word broken where
the page has room for it."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Twips

from microcred.reports.docx import render_plan_docx
from microcred.reports.docx.column_widths import (
    CELL_PADDING,
    ColumnNeed,
    column_widths,
    text_width,
)
from microcred.reports.options import ExportOptions
from microcred.reports.rendering import report_context

pytestmark = pytest.mark.django_db

# A4 less the PDF's margins of 20 mm either side, in Word's twips: 11906 - 2 × 1134.
A4_TEXT_WIDTH = Twips(9638)
# Word holds widths in whole twips (635 EMU), rounded down.
TWIP = Twips(1)


def table_columns(table) -> list[list[str]]:
    """Each column's cell texts, header first."""
    columns: list[list[str]] = [[] for _ in table.columns]
    for row in table.rows:
        for position, cell in enumerate(row.cells):
            columns[position].append(cell.text)
    return columns


def grid_widths(table) -> list[int]:
    return [column.width for column in table.columns]


def cell_widths(table) -> list[list[int]]:
    return [[cell.width for cell in row.cells] for row in table.rows]


def longest_word(texts: list[str], *, header: bool = True) -> int:
    return max(
        text_width(word, bold=header and position == 0)
        for position, text in enumerate(texts)
        for word in text.split(" ")
    )


def demo_document(demo_plan):
    context = report_context(plan=demo_plan, options=ExportOptions(page_size="a4"))
    return Document(io.BytesIO(render_plan_docx(context)))


def test_each_column_fits_its_longest_word_and_columns_differ(demo_plan):
    document = demo_document(demo_plan)
    (tiers,) = [t for t in document.tables if t.rows[0].cells[0].text == "Tier"]
    columns = table_columns(tiers)
    assert [column[0] for column in columns] == [
        "Tier",
        "Audience",
        "Price",
        "Seats",
        "Valid from",
        "Valid to",
    ]
    assert "1 September 2027" in columns[4]
    widths = grid_widths(tiers)
    assert len(set(widths)) == len(widths)  # sized to what each holds, not all alike
    assert sum(widths) <= A4_TEXT_WIDTH
    for texts, width in zip(columns, widths, strict=True):
        assert width + TWIP > longest_word(texts) + CELL_PADDING, texts[0]
    # "September" and "Fundamentals" whole, not "Septembe/r".
    assert widths[4] + TWIP > text_width("September") + CELL_PADDING
    # Word reads each cell's width, LibreOffice the grid's: the same.
    assert all(row == widths for row in cell_widths(tiers))
    assert tiers._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_an_amount_keeps_its_currency_on_its_line(demo_plan):
    document = demo_document(demo_plan)
    (costs,) = [t for t in document.tables if t.rows[0].cells[0].text == "Item"]
    amounts = table_columns(costs)[2]
    assert amounts[:3] == ["Amount", "70,000.00\u00a0USD", "48,000.00\u00a0USD"]
    assert grid_widths(costs)[2] + TWIP > text_width("70,000.00\u00a0USD") + CELL_PADDING


def test_every_table_of_the_demo_plan_keeps_its_words_whole_where_the_page_allows(demo_plan):
    document = demo_document(demo_plan)
    assert len(document.tables) > 20
    for table in document.tables:
        columns = table_columns(table)
        has_header = table.rows[0]._tr.trPr is not None
        needs = [longest_word(texts, header=has_header) + CELL_PADDING for texts in columns]
        if sum(needs) > A4_TEXT_WIDTH:
            continue  # the page cannot hold every longest word side by side
        for texts, need, width in zip(columns, needs, grid_widths(table), strict=True):
            assert width + TWIP > need, texts


def test_widths_follow_the_content_then_the_words_then_the_page():
    page = 1000
    # The longest lines fit: widths in proportion to them, filling the page.
    assert column_widths(
        [ColumnNeed(longest_word=50, longest_line=100), ColumnNeed(100, 300)], available=page
    ) == [250, 750]
    # They do not: each its longest word, and the rest shared by what each line lacks
    # (a line longer than the page counts as the page).
    assert column_widths(
        [ColumnNeed(longest_word=100, longest_line=200), ColumnNeed(300, 1800)], available=page
    ) == [175, 825]
    # Not even the longest words fit: in proportion to them.
    assert column_widths(
        [ColumnNeed(longest_word=600, longest_line=900), ColumnNeed(900, 900)], available=page
    ) == [400, 600]
    assert column_widths([], available=page) == []
