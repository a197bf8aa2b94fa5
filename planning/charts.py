"""The chart of a plan's cumulative net by year: one SVG drawn on the server with
matplotlib, put inline in the phase page and the PDF alike.

The SVG is the same for the same figures (no dates, a fixed hash salt for its ids), keeps
its text as text (in DejaVu Sans, which the PDF renderer and most browsers have), and
carries no `style` attribute or element: the pages' Content-Security-Policy refuses
inline styles, so matplotlib's are rewritten as presentation attributes, which it allows.
"""

import hashlib
import io
import re
from typing import Any

import matplotlib
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.typing import RcKeyType

from .figures import PlanFigures, money_display

# rcParams' values are of as many types as there are parameters.
SVG_SETTINGS: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "microcred-roi",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
}
# The site's colours (static/css): the line in its primary blue, break-even in green.
LINE_COLOUR = "#0d6efd"
BREAK_EVEN_COLOUR = "#146c43"
# Drawing takes a tenth of a second; the same figures give the same drawing.
CHART_CACHE_SECONDS = 24 * 60 * 60
AXIS_COLOUR = "#495057"
STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
# What matplotlib writes around the drawing that an inline SVG does without.
PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.DOTALL)
EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>")
SIZE = re.compile(r' (?:width|height)="[^"]*"')
# matplotlib names every group ("axes_1", "text_3"); only its markers and clip paths
# ("m" or "p" and ten hex digits) are referred to, and the page needs no other ids.
UNREFERENCED_ID = re.compile(r' id="(?![mp][0-9a-f]{10}")[^"]*"')
WHITESPACE = re.compile(r"\s+")
BETWEEN_TAGS = re.compile(r">\s+<")


def break_even_words(figures: PlanFigures) -> str:
    if figures.break_even is None:
        return "No break-even within 5 years."
    return f"Break-even in year {figures.break_even.year}, month {figures.break_even.month}."


def chart_description(figures: PlanFigures) -> str:
    """The chart's text alternative: every value it plots, and where it breaks even."""
    values = "; ".join(
        f"year {year.year}: {money_display(year.cumulative_net, figures.currency)}"
        for year in figures.years
    )
    return f"Cumulative net at the end of each year: {values}. {break_even_words(figures)}"


def _presentation_attributes(match: re.Match) -> str:
    declarations = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)


def inline_svg(svg: str, *, html_id: str, title: str, description: str) -> str:
    """matplotlib's SVG document made an accessible inline element without inline styles:
    role="img", named by its <title> and described by its <desc>."""
    svg = PROLOGUE.sub("", svg)
    svg = METADATA.sub("", svg)
    svg = STYLE_ELEMENT.sub("", svg)
    svg = EMPTY_DEFS.sub("", svg)
    svg = STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    svg = UNREFERENCED_ID.sub("", svg)
    svg = BETWEEN_TAGS.sub("><", WHITESPACE.sub(" ", svg))
    opening_end = svg.index(">") + 1
    opening = SIZE.sub("", svg[: opening_end - 1])
    # What matplotlib's style element gave every element, as attributes they inherit.
    opening += (
        f' id="{html_id}" class="roi-chart" role="img" aria-labelledby="{html_id}-title"'
        f' aria-describedby="{html_id}-desc" stroke-linejoin="round" stroke-linecap="butt">'
        f'<title id="{html_id}-title">{escape(title)}</title>'
        f'<desc id="{html_id}-desc">{escape(description)}</desc>'
    )
    return opening + svg[opening_end:].strip()


def _plot(figures: PlanFigures) -> Figure:
    chart = Figure(figsize=(6.4, 3.2))
    axes = chart.add_subplot()
    years = [0, *(year.year for year in figures.years)]
    cumulative = [0.0, *(float(year.cumulative_net) for year in figures.years)]
    axes.axhline(0, color=AXIS_COLOUR, linewidth=0.8)
    axes.plot(years, cumulative, color=LINE_COLOUR, linewidth=2, marker="o", markersize=4)
    if figures.break_even is not None:
        point = float(figures.break_even.point)
        axes.plot([point], [0], marker="D", markersize=8, color=BREAK_EVEN_COLOUR, linestyle="")
        axes.annotate(
            f"Break-even: year {figures.break_even.year}, month {figures.break_even.month}",
            xy=(point, 0),
            # Above the zero line, on the side away from the rising line.
            xytext=(-8, 10) if point >= 1 else (8, 10),
            textcoords="offset points",
            ha="right" if point >= 1 else "left",
            color=BREAK_EVEN_COLOUR,
            fontweight="bold",
        )
    axes.set_title(f"Cumulative net by year ({figures.currency})", loc="left")
    axes.set_xticks(years, ["Start", *(f"Year {year}" for year in years[1:])])
    axes.set_xlim(-0.2, years[-1] + 0.2)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.grid(axis="y", color="#dee2e6", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    chart.tight_layout()
    return chart


def draw_cumulative_net_chart(figures: PlanFigures, *, html_id: str) -> str:
    """The cumulative net at the start and the end of each year, a line with the
    break-even point marked on the zero line, as an inline SVG element."""
    buffer = io.StringIO()
    with matplotlib.rc_context(SVG_SETTINGS):
        chart = _plot(figures)
        FigureCanvasSVG(chart).print_svg(buffer, metadata={"Date": None, "Creator": None})
    return inline_svg(
        buffer.getvalue(),
        html_id=html_id,
        title=f"Cumulative net by year, in {figures.currency}",
        description=chart_description(figures),
    )


def cumulative_net_chart(figures: PlanFigures, *, html_id: str) -> SafeString:
    """`draw_cumulative_net_chart`, drawn once for the same figures."""
    plotted = (html_id, figures.currency, [year.cumulative_net for year in figures.years])
    digest = hashlib.sha256(repr((plotted, figures.break_even)).encode()).hexdigest()
    key = f"roi-chart:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = draw_cumulative_net_chart(figures, html_id=html_id)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 - drawn by draw_cumulative_net_chart, texts escaped
