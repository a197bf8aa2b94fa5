"""A table's column widths sized to what each column holds, as a browser lays out a table
whose width is the page's: every column at least as wide as its longest word where the page
allows, and the room left shared in proportion to how much more each column's longest line
would take.

Text is measured in DejaVu Serif (matplotlib ships it, so it is always there) at the
document's 11 pt. The document's text is in Cambria (the theme's body font); DejaVu Serif
is wider than Cambria and is what takes its place where Cambria is missing, so a word
measured to fit does fit in either."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
from docx.shared import Pt, Twips
from PIL import ImageFont

FONT_SIZE_PT = 11
# PIL measures in whole pixels: at 10 pixels a point, a tenth of a point is enough.
PIXELS_PER_POINT = 10
# Word's "Table Grid" style has 108 twips of margin either side of a cell's text; the
# rest is the borders' and rounding's.
CELL_PADDING = Twips(2 * 108) + Pt(2)


@lru_cache(maxsize=2)
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSerif-Bold.ttf" if bold else "DejaVuSerif.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    return ImageFont.truetype(str(path), size=FONT_SIZE_PT * PIXELS_PER_POINT)


def text_width(text: str, *, bold: bool = False) -> int:
    """The width of `text` on one line, in EMU."""
    return int(Pt(_font(bold).getlength(text) / PIXELS_PER_POINT))


@dataclass(frozen=True)
class ColumnNeed:
    """What one column needs: room for its longest word, and for its longest line."""

    longest_word: int
    longest_line: int


def column_needs(lines: Sequence[Sequence[str]], *, bold_rows: int = 0) -> list[ColumnNeed]:
    """Each column's need, in EMU with the cell's padding, from the table's rows of cell
    texts (the first `bold_rows` of them in bold, as a header is)."""
    columns = max((len(line) for line in lines), default=0)
    words: list[int] = [0] * columns
    whole: list[int] = [0] * columns
    for position, line in enumerate(lines):
        bold = position < bold_rows
        for column, text in enumerate(line[:columns]):
            for text_line in text.split("\n"):
                whole[column] = max(whole[column], text_width(text_line, bold=bold))
                # Split at spaces only: a no-break space holds its words together.
                for word in set(text_line.split(" ")):
                    words[column] = max(words[column], text_width(word, bold=bold))
    return [
        ColumnNeed(longest_word=word + CELL_PADDING, longest_line=line + CELL_PADDING)
        for word, line in zip(words, whole, strict=True)
    ]


def column_widths(needs: Sequence[ColumnNeed], *, available: int) -> list[int]:
    """Widths, in EMU, that fill `available`: when the longest lines fit, in proportion to
    them; else each column its longest word and a share of what is left in proportion to
    what its longest line lacks; and when even the longest words do not fit, in proportion
    to them (the page allows no better)."""
    if not needs:
        return []
    minimum = [min(need.longest_word, available) for need in needs]
    maximum = [
        max(low, min(need.longest_line, available))
        for low, need in zip(minimum, needs, strict=True)
    ]
    if sum(maximum) <= available:
        widths = [width * available / sum(maximum) for width in maximum]
    elif sum(minimum) <= available:
        spare = (available - sum(minimum)) / (sum(maximum) - sum(minimum))
        widths = [low + (high - low) * spare for low, high in zip(minimum, maximum, strict=True)]
    else:
        widths = [low * available / sum(minimum) for low in minimum]
    return [int(width) for width in widths]
