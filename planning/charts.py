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
from collections.abc import Sequence
from typing import Any

import matplotlib
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.typing import RcKeyType

from .figures import NO_FORECAST, PlanFigures, money_display
from .models import PLAN_YEARS

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
# The years after the forecast, shaded behind the axes' grid.
NO_FORECAST_SHADE = "#f1f3f5"
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


def years_text(years: Sequence[int]) -> str:
    """ "year 4", "years 4 and 5", "years 2, 4 and 5"."""
    if len(years) == 1:
        return f"year {years[0]}"
    return f"years {', '.join(map(str, years[:-1]))} and {years[-1]}"


def no_break_even_within(figures: PlanFigures) -> str:
    """Where a plan without break-even looked for it: "within 5 years"."""
    if figures.forecast_until < PLAN_YEARS:
        return f"within the forecast, which stops at year {figures.forecast_until}"
    return f"within {PLAN_YEARS} years"


def break_even_words(figures: PlanFigures) -> str:
    if figures.break_even is not None:
        return f"Break-even in year {figures.break_even.year}, month {figures.break_even.month}."
    return f"No break-even {no_break_even_within(figures)}."


def chart_description(figures: PlanFigures) -> str:
    """The chart's text alternative: every value it plots, and where it breaks even."""
    values = [
        f"year {year.year}: {money_display(year.cumulative_net, figures.currency)}"
        for year in figures.forecast_years
    ]
    beyond = [year.year for year in figures.years[figures.forecast_until :]]
    if beyond:
        values.append(f"{years_text(beyond)}: {NO_FORECAST}")
    return (
        f"Cumulative net at the end of each year: {'; '.join(values)}. {break_even_words(figures)}"
    )


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


def cumulative_net_path(figures: PlanFigures) -> tuple[list[float], list[float]]:
    """The cumulative net as break-even reads it (planning/figures.py): down by each
    year's one-off costs on its first day, then straight to its value at the year's end,
    through the forecast's years."""
    xs, ys = [0.0], [0.0]
    for year in figures.forecast_years:
        xs += [year.year - 1, year.year]
        ys += [float(year.cumulative_net_at_start), float(year.cumulative_net)]
    return xs, ys


def _plot(figures: PlanFigures) -> Figure:
    # Constrained layout makes room for the legend below the axes, clear of the data.
    chart = Figure(figsize=(6.4, 3.4), layout="constrained")
    axes = chart.add_subplot()
    years = [0, *(year.year for year in figures.years)]
    axes.axhline(0, color=AXIS_COLOUR, linewidth=0.8)
    xs, ys = cumulative_net_path(figures)
    axes.plot(xs, ys, color=LINE_COLOUR, linewidth=2, label="Cumulative net")
    ends = figures.forecast_years
    axes.plot(
        [year.year for year in ends],
        [float(year.cumulative_net) for year in ends],
        color=LINE_COLOUR,
        marker="o",
        markersize=4,
        linestyle="",
    )
    if figures.forecast_until < PLAN_YEARS:
        axes.axvspan(figures.forecast_until, years[-1] + 0.2, color=NO_FORECAST_SHADE, linewidth=0)
    if figures.break_even is not None:
        axes.plot(
            [float(figures.break_even.point)],
            [0],
            marker="D",
            markersize=8,
            color=BREAK_EVEN_COLOUR,
            linestyle="",
            label=f"Break-even: year {figures.break_even.year}, month {figures.break_even.month}",
        )
    chart.legend(loc="outside lower center", ncols=2, frameon=False)
    axes.set_title(f"Cumulative net by year ({figures.currency})", loc="left")
    axes.set_xticks(
        years,
        [
            "Start",
            *(
                f"Year {year.year}"
                if year.year <= figures.forecast_until
                else f"Year {year.year}\n({NO_FORECAST})"
                for year in figures.years
            ),
        ],
    )
    axes.set_xlim(-0.2, years[-1] + 0.2)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.grid(axis="y", color="#dee2e6", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    return chart


def draw_cumulative_net_chart(figures: PlanFigures, *, html_id: str) -> str:
    """The cumulative net through the forecast's years (`cumulative_net_path`), with the
    break-even point marked on the zero line and named in the legend below the axes,
    clear of the line, as an inline SVG element."""
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
    plotted = (html_id, figures.currency, figures.years, figures.forecast_until)
    digest = hashlib.sha256(repr((plotted, figures.break_even)).encode()).hexdigest()
    key = f"roi-chart:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = draw_cumulative_net_chart(figures, html_id=html_id)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return mark_safe(svg)  # noqa: S308 - drawn by draw_cumulative_net_chart, texts escaped
