"""The histogram of candidates' totals as an SVG that both the page and the PDF inline.

Matplotlib draws it (the Agg-only SVG backend, no pyplot, so nothing global is touched).
Its SVG styles each shape with a style attribute, which the pages' Content-Security-Policy
refuses; they are rewritten as the equivalent SVG presentation attributes, which it allows.
"""

import io
import math
import re
import xml.etree.ElementTree as ET  # noqa: S405  (parses the SVG matplotlib just wrote)

import matplotlib
import numpy as np
import numpy.typing as npt

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .psychometrics import FloatArray  # noqa: E402

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NAMESPACE)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

TITLE = "Distribution of candidates' total scores"
BAR_COLOUR = "#1f3a5f"
MAX_BINS = 40
STYLE_RULE = re.compile(r"\*\s*\{([^}]*)\}")


def is_whole(totals: FloatArray) -> bool:
    return bool(np.all(totals == np.round(totals)))


def histogram_bins(totals: FloatArray) -> FloatArray:
    """Bin edges: for whole-number totals, bins of a whole number of marks centred on
    them (one mark each when they span at most MAX_BINS), otherwise MAX_BINS equal bins."""
    low, high = float(totals.min()), float(totals.max())
    if is_whole(totals):
        width = max(1, math.ceil((high - low + 1) / MAX_BINS))
        return np.arange(low - 0.5, high + width, width)
    if low == high:
        return np.array([low - 0.5, high + 0.5])
    return np.linspace(low, high, MAX_BINS + 1)


def describe(totals: FloatArray, counts: npt.NDArray[np.intp], edges: FloatArray) -> str:
    """The text alternative: what a sighted reader takes from the chart."""
    peak = int(np.argmax(counts))
    if is_whole(totals):
        first, last = edges[peak] + 0.5, edges[peak + 1] - 0.5
        common = f"{first:g}" if first == last else f"{first:g} to {last:g}"
        common = f"the most common total{'s are' if first != last else ' is'} {common}"
    else:
        common = f"the most common totals lie between {edges[peak]:.3g} and {edges[peak + 1]:.3g}"
    return (
        f"Histogram of {totals.size:,} candidates' total scores, from {totals.min():g} to "
        f"{totals.max():g}; {common} ({int(counts[peak]):,} candidates)."
    )


def totals_histogram_svg(totals: FloatArray) -> str:
    """An accessible inline SVG (role="img", a title and a description)."""
    edges = histogram_bins(totals)
    counts, _ = np.histogram(totals, bins=edges)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "totals"}):
        figure = Figure(figsize=(6.4, 2.8), layout="constrained")
        FigureCanvasSVG(figure)
        axes = figure.subplots()
        axes.stairs(counts, edges, fill=True, color=BAR_COLOUR)
        axes.set_title(TITLE, fontsize=11)
        axes.set_xlabel("Total score")
        axes.set_ylabel("Candidates")
        axes.spines[["top", "right"]].set_visible(False)
        if is_whole(totals):
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        output = io.StringIO()
        figure.savefig(
            output,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return accessible_svg(output.getvalue(), description=describe(totals, counts, edges))


def accessible_svg(svg: str, *, description: str) -> str:
    root = ET.fromstring(svg)  # noqa: S314  (matplotlib's own output)
    _styles_to_attributes(root)
    for child in list(root):
        if child.tag == f"{{{SVG_NAMESPACE}}}metadata":
            root.remove(child)
    # Without a size of its own it takes its container's width, at the viewBox's ratio.
    del root.attrib["width"], root.attrib["height"]
    root.set("class", "totals-histogram")
    root.set("role", "img")
    root.set("aria-labelledby", "totals-histogram-title totals-histogram-desc")
    title = ET.Element(f"{{{SVG_NAMESPACE}}}title", id="totals-histogram-title")
    title.text = TITLE
    desc = ET.Element(f"{{{SVG_NAMESPACE}}}desc", id="totals-histogram-desc")
    desc.text = description
    root.insert(0, desc)
    root.insert(0, title)
    return ET.tostring(root, encoding="unicode")


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip() and value.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _styles_to_attributes(root: ET.Element) -> None:
    """Every property matplotlib styles with (fill, stroke, font-size, text-anchor…) is
    also an SVG presentation attribute; its one style sheet sets inherited defaults."""
    for style_element in list(root.iter(f"{{{SVG_NAMESPACE}}}style")):
        rule = STYLE_RULE.search(style_element.text or "")
        if rule:
            for name, value in _declarations(rule.group(1)):
                root.set(name, value)
        for parent in root.iter():
            if style_element in list(parent):
                parent.remove(style_element)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _declarations(style):
                element.set(name, value)
