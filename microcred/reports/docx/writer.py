"""A new Word document with the report's styles and page size, and what the report writes
into it: paragraphs (line breaks kept), headings, tables whose header row repeats on each
page and whose columns are sized to what they hold, a partial's blocks."""

import io
from collections.abc import Collection, Sequence

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Length, Mm, Pt, Twips
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..options import A4, Paper
from .charts import CHART_WIDTH_CM, chart_description, chart_png
from .column_widths import column_needs, column_widths
from .partials import Block, ChartBlock, TableBlock
from .text import PARAGRAPH_BREAK, amounts_kept_whole, heading_style, xml_text
from .word_fields import drop_thumbnail, mark_header_row, set_table_width, update_fields_on_open

ANSWER_STYLE = "Answer"
# The PDF's page margins (report.css @page): top, right, bottom, left.
MARGINS_MM = (24, 20, 22, 20)


class WordWriter:
    """Writes into one new Word document: Word's own heading styles (for its navigation
    pane and its table of contents) and an indented "Answer" style."""

    def __init__(self, *, paper: Paper = A4) -> None:
        self.document: WordDocument = Document()
        self.style_ids: dict[str, str] = {}
        self._add_styles()
        self.text_width = self._lay_out_pages(paper)

    def _lay_out_pages(self, paper: Paper) -> int:
        """Pages of `paper` with the PDF's margins; the width left for text, in EMU."""
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(paper.width_mm), Mm(paper.height_mm)
        top, right, bottom, left = (Mm(margin) for margin in MARGINS_MM)
        section.top_margin, section.right_margin = top, right
        section.bottom_margin, section.left_margin = bottom, left
        return section.page_width - section.left_margin - section.right_margin

    def _add_styles(self) -> None:
        styles = self.document.styles
        answer = styles.add_style(ANSWER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        answer.base_style = styles["Normal"]
        answer.quick_style = True
        answer.paragraph_format.left_indent = Cm(0.75)
        answer.paragraph_format.space_after = Pt(6)
        for level in range(1, 5):
            # Word keeps a heading with what follows it; so must a numbered question.
            styles[f"Heading {level}"].paragraph_format.keep_with_next = True

    def style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def new_paragraph(self, style: str | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if style:
            # By id: python-docx looks a style name up among every style, each time.
            paragraph._p.style = self.style_id(style)
        return paragraph

    def paragraph(
        self, text: str = "", *, style: str | None = None, italic: bool = False, bold: bool = False
    ) -> Paragraph:
        paragraph = self.new_paragraph(style)
        if text:
            self.add_run(paragraph, text, italic=italic, bold=bold)
        return paragraph

    @staticmethod
    def add_run(
        paragraph: Paragraph, text: str, *, italic: bool = False, bold: bool = False
    ) -> Run:
        """A run of `text`, its line breaks as Word's."""
        lines = xml_text(text).split("\n")
        run = paragraph.add_run(lines[0])
        for line in lines[1:]:
            run.add_break(WD_BREAK.LINE)
            run.add_text(line)
        # Only when set: python-docx adds run properties even to say "inherit".
        if italic:
            run.italic = True
        if bold:
            run.bold = True
        return run

    def paragraphs(self, text: str, *, style: str | None = ANSWER_STYLE) -> None:
        """Text as its paragraphs (blank lines), each line break kept."""
        for part in PARAGRAPH_BREAK.split(xml_text(text).strip()):
            self.paragraph(part, style=style)

    def heading(self, text: str, style: str, *, new_page: bool = False) -> Paragraph:
        paragraph = self.paragraph(text, style=style)
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        return paragraph

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Collection[int] = ()
    ) -> None:
        """A table whose first row is its `header` (if any), repeated at the top of each
        page the table runs onto."""
        lines = [header, *rows] if header else list(rows)
        width = max([len(line) for line in lines] or [1])
        table = self.document.add_table(rows=len(lines), cols=width)
        table._tbl.tblPr.style = self.style_id("Table Grid")
        texts = [[amounts_kept_whole(xml_text(text)) for text in line[:width]] for line in lines]
        widths = self._size_columns(table, texts, header_rows=1 if header else 0)
        for position, (row, line) in enumerate(zip(table.rows, texts, strict=True)):
            self._fill_row(row, line, widths, bold=bool(header) and position == 0, numeric=numeric)
        if header:
            mark_header_row(table.rows[0])

    def _size_columns(self, table: Table, texts: list[list[str]], *, header_rows: int) -> list[int]:
        """Fix the table's column widths to what they hold (column_widths.py)."""
        widths = [
            # Word holds widths in whole twips: down to one, so that the sum stays inside.
            width - width % Twips(1)
            for width in column_widths(
                column_needs(texts, bold_rows=header_rows), available=self.text_width
            )
        ]
        widths += [widths[-1] if widths else self.text_width] * (len(table.columns) - len(widths))
        table.autofit = False
        for column, column_width in zip(table.columns, widths, strict=True):
            column.width = Length(column_width)
        set_table_width(table, sum(widths))
        return widths

    def _fill_row(
        self,
        row: _Row,
        texts: Sequence[str],
        widths: Sequence[int],
        *,
        bold: bool,
        numeric: Collection[int],
    ) -> None:
        cells = row.cells
        for column, cell in enumerate(cells):
            # Word reads each cell's own width; LibreOffice the table's grid.
            cell.width = Length(widths[column])
        for column, text in enumerate(texts):
            paragraph = cells[column].paragraphs[0]
            self.add_run(paragraph, text, bold=bold)
            if column in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def blocks(self, blocks: list[Block]) -> None:
        """A partial's blocks; its headings under the question it follows."""
        heading = heading_style(1)
        for block in blocks:
            if isinstance(block, TableBlock):
                self.table(block.header, block.rows, numeric=block.numeric)
            elif isinstance(block, ChartBlock):
                self.chart(block.svg)
            elif block[0] == "heading":
                self.heading(block[1], heading)
            else:
                self.paragraph(block[1], style=ANSWER_STYLE)

    def chart(self, svg: str) -> None:
        """A chart as a picture (PNG) in a paragraph of its own, as wide as the PDF prints
        it where the page allows, described by the chart's title and description."""
        paragraph = self.new_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture = paragraph.add_run().add_picture(
            io.BytesIO(chart_png(svg)), width=min(Cm(CHART_WIDTH_CM), Length(self.text_width))
        )
        picture._inline.docPr.set("descr", xml_text(chart_description(svg)))

    def file_bytes(self) -> bytes:
        """The finished document, asking Word to fill in its table of contents on opening."""
        update_fields_on_open(self.document)
        drop_thumbnail(self.document)
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()
