"""The report's charts as pictures Word shows: the SVG that the chart functions draw for
the PDF (planning/charts.py, maintenance/histogram.py), rendered to PNG with CairoSVG,
described for screen readers by the chart's own title and description."""

import html
import logging
import re

from cairosvg.surface import PNGSurface

# As wide as the PDF prints a chart (report.css: svg.roi-chart, 16 cm), at print resolution.
CHART_WIDTH_CM = 16
CHART_DPI = 200
CHART_WIDTH_PX = round(CHART_WIDTH_CM / 2.54 * CHART_DPI)
SVG_ELEMENT = re.compile(r"<svg\b.*?</svg>", re.DOTALL | re.IGNORECASE)
TITLE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.DOTALL)
DESCRIPTION = re.compile(r"<desc\b[^>]*>(.*?)</desc>", re.DOTALL)

logger = logging.getLogger(__name__)


# What a refused resource is drawn as: nothing.
NOTHING = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>'


def refuse_fetch(url: str, resource_type: str) -> bytes:
    """A chart is drawn from the plan's figures alone, so it loads nothing from outside
    (CairoSVG would otherwise open the files and addresses an image names): what one
    names is drawn as nothing, as WeasyPrint does in the PDF."""
    logger.warning("A chart may load nothing; left out: %s", url)
    return NOTHING


def chart_png(svg: str) -> bytes:
    """The chart at CHART_WIDTH_PX pixels wide, its proportions kept."""
    return PNGSurface.convert(
        bytestring=svg.encode(), output_width=CHART_WIDTH_PX, url_fetcher=refuse_fetch
    )


def chart_description(svg: str) -> str:
    """The chart's text alternative: its title and description, as the PDF's SVG has them."""
    parts = [pattern.search(svg) for pattern in (TITLE, DESCRIPTION)]
    return " ".join(
        " ".join(html.unescape(part.group(1)).split()).rstrip(".") + "." for part in parts if part
    )


def svg_elements(markup: str) -> list[str]:
    """Each inline <svg> element of an HTML partial, in order (charts hold no <svg> inside
    theirs, and text that users type is escaped, so never starts one)."""
    return SVG_ELEMENT.findall(markup)
