"""The Word document's charts: each chart of the PDF as a PNG picture, where the PDF has
it, described as the PDF's SVG describes it."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image

from microcred.reports.docx import render_plan_docx
from microcred.reports.docx.charts import (
    CHART_WIDTH_PX,
    NOTHING,
    chart_description,
    chart_png,
    refuse_fetch,
    svg_elements,
)
from microcred.reports.rendering import render_plan_html, report_context

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture_bytes(document, picture) -> bytes:
    blip = picture._inline.graphic.graphicData.pic.blipFill.blip
    return document.part.related_parts[blip.embed].blob


def test_each_chart_of_the_pdf_is_a_picture_in_the_word_document(demo_plan):
    charts = svg_elements(render_plan_html(plan=demo_plan))
    document = Document(io.BytesIO(render_plan_docx(report_context(plan=demo_plan))))
    pictures = document.inline_shapes
    assert len(charts) >= 1
    assert len(pictures) == len(charts)
    descriptions = [picture._inline.docPr.get("descr") for picture in pictures]
    assert descriptions == [chart_description(svg) for svg in charts]
    assert descriptions[0].startswith(
        "Cumulative net by year, in USD. Cumulative net at the end of each year: year 1: "
    )
    for picture in pictures:
        content = picture_bytes(document, picture)
        assert content.startswith(PNG_SIGNATURE)
        assert Image.open(io.BytesIO(content)).width == CHART_WIDTH_PX
        assert picture.width == Cm(16)  # as wide as the PDF prints it
    # The ROI chart follows the table of its figures, as in the PDF.
    drawing = document.element.body.find(f".//{qn('w:drawing')}")
    paragraph = drawing.getparent().getparent()
    table = paragraph.getprevious()
    assert table.tag == qn("w:tbl")
    header = [
        "".join(text.text for text in cell.iter(qn("w:t")))
        for cell in table.find(qn("w:tr")).iter(qn("w:tc"))
    ]
    assert header == ["Year", "Revenue", "Cost", "Net", "Cumulative net"]


def test_a_chart_loads_nothing_from_outside():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 100 50"><title>Costs &amp; revenue</title><desc>Two bars.</desc>'
        '<rect width="40" height="20" fill="#0d6efd"/>'
        '<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>'
    )
    assert refuse_fetch("file:///etc/passwd", "image/*") == NOTHING
    content = chart_png(svg)
    assert content.startswith(PNG_SIGNATURE)
    assert Image.open(io.BytesIO(content)).size == (CHART_WIDTH_PX, CHART_WIDTH_PX // 2)
    assert chart_description(svg) == "Costs & revenue. Two bars."
