"""The portfolio's counts as horizontal bar charts: SVG drawn on the server, put inline,
accessible like the ROI chart (planning/charts.py): role="img", named by its <title> and
described by its <desc>, which says every count; the page has the same counts in a table.

No `style` attribute or element: the pages' Content-Security-Policy refuses inline styles,
so colours are presentation attributes, which it allows.
"""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import Count, Portfolio

LABEL_WIDTH = 215
BAR_WIDTH = 165
VALUE_WIDTH = 100
ROW_HEIGHT = 26
BAR_HEIGHT = 16
TOP = 8
# The site's colours (static/css): the count in its primary blue on a light track.
BAR_COLOUR = "#0d6efd"
TRACK_COLOUR = "#e9ecef"
TEXT_COLOUR = "#212529"


def count_words(count: Count) -> str:
    return f"{count.label}: {count.count} of {count.of}"


def bar_chart(
    counts: Sequence[Count], *, html_id: str, title: str, value_suffix: str = ""
) -> SafeString:
    """One bar per count, its length the count's share of the whole (`of`), labelled with
    the count and the whole."""
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP * 2 + ROW_HEIGHT * max(len(counts), 1)
    description = "; ".join(count_words(count) for count in counts) or "No plans."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" id="{html_id}" class="portfolio-chart" role="img" '
        f'aria-labelledby="{html_id}-title" aria-describedby="{html_id}-desc" '
        f'font-family="DejaVu Sans, sans-serif" font-size="13">'
        f'<title id="{html_id}-title">{escape(title)}</title>'
        f'<desc id="{html_id}-desc">{escape(description)}.</desc>'
    ]
    for index, count in enumerate(counts):
        y = TOP + index * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2
        length = round(BAR_WIDTH * count.count / count.of) if count.of else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(count.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{middle - BAR_HEIGHT / 2}" width="{BAR_WIDTH}" '
            f'height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>'
            f'<rect x="{LABEL_WIDTH}" y="{middle - BAR_HEIGHT / 2}" width="{length}" '
            f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{middle}" dominant-baseline="middle" '
            f'fill="{TEXT_COLOUR}">{count.count} of {count.of}{escape(value_suffix)}</text>'
        )
    parts.append("</svg>")
    # Built here, every text escaped.
    return mark_safe("".join(parts))  # noqa: S308


def portfolio_charts(portfolio: Portfolio) -> dict[str, SafeString]:
    """The portfolio's counts by status and by phase readiness, as the page shows them."""
    return {
        "status_chart": bar_chart(
            portfolio.status_counts, html_id="status-chart", title="Plans by status"
        ),
        "readiness_chart": bar_chart(
            portfolio.phase_readiness_counts,
            html_id="readiness-chart",
            title="Plans ready in each phase",
            value_suffix=" ready",
        ),
    }
