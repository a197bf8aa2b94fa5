"""Report partials read back from their HTML: the computed panels (ROI, review calendar,
item analysis) and the record types' summaries exist only as template partials, so
their HTML is read back into paragraphs, tables and charts (their inline SVG, which
charts.py makes a picture of)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.template.loader import render_to_string

from .charts import svg_elements


@dataclass
class TableBlock:
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    # The columns of numbers (their header cell's class "num"), aligned right.
    numeric: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class ChartBlock:
    svg: str  # the inline <svg> element, as the PDF has it


# A paragraph ("text", its text), a heading ("heading", its text), a table or a chart.
Block = TableBlock | ChartBlock | tuple[str, str]


class PartialReader(HTMLParser):
    """A report partial's HTML as blocks: ("heading", text), ("text", text) for each
    paragraph, list item or definition ("term: definition"), TableBlocks, and a
    ChartBlock for each drawing (SVG) of `svgs`, the partial's <svg> elements in order.
    What is hidden from sight (a caption for screen readers) is skipped, and so is the
    drawings' markup."""

    SKIPPED = {"svg", "style", "script", "caption"}
    BLOCKS = {"p", "li", "dt", "dd", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self, svgs: Sequence[str] = ()):
        super().__init__(convert_charrefs=True)
        self.svgs = svgs
        self.svgs_seen = 0
        self.blocks: list[Block] = []
        self.skipping: list[str] = []
        self.text: list[str] | None = None
        self.block_tag = ""
        self.table: TableBlock | None = None
        self.row: list[str] | None = None
        self.in_head = False
        self.term = ""

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            if not self.skipping and self.svgs_seen < len(self.svgs):
                self.blocks.append(ChartBlock(svg=self.svgs[self.svgs_seen]))
            self.svgs_seen += 1
        classes = (dict(attrs).get("class") or "").split()
        if self.skipping or tag in self.SKIPPED or "visually-hidden" in classes:
            self.skipping.append(tag)
            return
        if tag == "table":
            self.table = TableBlock()
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.text, self.block_tag = [], tag
            if self.in_head and self.table is not None and "num" in classes:
                self.table.numeric.add(len(self.row))
        elif tag == "br" and self.text is not None:
            self.text.append("\n")
        elif tag in self.BLOCKS and self.table is None:
            self.text, self.block_tag = [], tag

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag == "table" and self.table is not None:
            self.blocks.append(self.table)
            self.table = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "tr" and self.table is not None and self.row is not None:
            if self.in_head:
                self.table.header = self.row
            else:
                self.table.rows.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.row is not None and self.text is not None:
            self.row.append(self._take_text())
        elif tag == self.block_tag and self.text is not None:
            self._end_block(tag, self._take_text())

    def handle_data(self, data):
        if not self.skipping and self.text is not None:
            self.text.append(data)

    def _take_text(self) -> str:
        lines = "".join(self.text or []).split("\n")
        self.text, self.block_tag = None, ""
        return "\n".join(" ".join(line.split()) for line in lines).strip()

    def _end_block(self, tag: str, text: str) -> None:
        if tag == "dt":
            self.term = text
        elif tag == "dd":
            self.blocks.append(("text", f"{self.term}: {text}" if self.term else text))
            self.term = ""
        elif text and tag.startswith("h"):
            self.blocks.append(("heading", text))
        elif text:
            self.blocks.append(("text", text))


def partial_blocks(template: str, context: dict[str, Any]) -> list[Block]:
    markup = render_to_string(template, context)
    reader = PartialReader(svg_elements(markup))
    reader.feed(markup)
    reader.close()
    return reader.blocks
