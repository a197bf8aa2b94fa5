"""One page size for the PDF and the Word document: chosen in the export options, or
automatic (the site's REPORT_PAGE_SIZE, else the plan's currency)."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from microcred.reports.models import ExportSettings
from microcred.reports.options import A4, LETTER, ExportOptions, export_options_of, paper_of
from microcred.reports.rendering import render_report

pytestmark = pytest.mark.django_db

LETTER_OPTIONS = ExportOptions(page_size="letter")
A4_OPTIONS = ExportOptions(page_size="a4")


def test_automatic_paper_is_the_sites_setting_or_else_follows_the_plans_currency(plan, settings):
    settings.REPORT_PAGE_SIZE = ""
    automatic = ExportOptions()
    for currency, paper in [("USD", LETTER), ("CAD", LETTER), ("EUR", A4), ("GBP", A4)]:
        plan.currency = currency
        assert paper_of(plan=plan, options=automatic) == paper, currency
    plan.currency = "USD"
    settings.REPORT_PAGE_SIZE = "a4"
    assert paper_of(plan=plan, options=automatic) == A4
    # A page size the plan's options chose wins over the site's.
    assert paper_of(plan=plan, options=LETTER_OPTIONS) == LETTER
    settings.REPORT_PAGE_SIZE = "letter"
    plan.currency = "EUR"
    assert paper_of(plan=plan, options=automatic) == LETTER
    assert paper_of(plan=plan, options=A4_OPTIONS) == A4


def test_the_page_size_keeps_to_json_and_an_unknown_one_is_automatic():
    assert ExportOptions.from_json(LETTER_OPTIONS.as_json()) == LETTER_OPTIONS
    assert ExportOptions.from_json({"page_size": "tabloid"}) == ExportOptions()
    # How the pages look is no part of what an export leaves out.
    assert LETTER_OPTIONS.description([]) == ""


def pdf_page_points(options: ExportOptions, plan) -> tuple[float, float]:
    report = render_report(plan=plan, export_format="pdf", options=options)
    box = PdfReader(io.BytesIO(report.content)).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def word_section(options: ExportOptions, plan):
    report = render_report(plan=plan, export_format="docx", options=options)
    return Document(io.BytesIO(report.content)).sections[0]


def test_the_pdf_and_the_word_document_are_laid_out_on_the_same_paper(plan, settings):
    settings.REPORT_PAGE_SIZE = ""
    assert pdf_page_points(A4_OPTIONS, plan) == (595.28, 841.89)
    assert pdf_page_points(LETTER_OPTIONS, plan) == (612.0, 792.0)
    a4 = word_section(A4_OPTIONS, plan)
    # Word holds sizes in twips: A4 is 11906 × 16838 of them (210 × 297 mm), in EMU:
    assert (a4.page_width, a4.page_height) == (7560310, 10692130)
    letter = word_section(LETTER_OPTIONS, plan)
    assert (letter.page_width, letter.page_height) == (7772400, 10058400)  # 8.5 × 11 in
    # The PDF's margins (report.css).
    margins = [letter.top_margin, letter.right_margin, letter.bottom_margin, letter.left_margin]
    assert [round(margin.mm, 1) for margin in margins] == [24, 20, 22, 20]
    # Automatic, for this plan in US dollars: US Letter in both.
    assert pdf_page_points(ExportOptions(), plan) == (612.0, 792.0)
    assert word_section(ExportOptions(), plan).page_width == 7772400


def options_url(plan) -> str:
    return reverse("reports:options", kwargs={"plan_id": plan.pk})


def test_writers_choose_the_page_size_on_the_export_page(client, plan, owner, settings):
    settings.REPORT_PAGE_SIZE = ""
    client.force_login(owner)
    content = client.get(reverse("reports:list", kwargs={"plan_id": plan.pk})).content.decode()
    label = r'<label\s+for="id_page_size" class="form-label">\s+Page size\s+</label>'
    assert re.search(label, content)
    assert '<option value="auto" selected>Automatic (US Letter)</option>' in content
    assert '<option value="letter">US Letter</option>' in content
    response = client.post(
        options_url(plan), {"with_options": "1", "phases": "delivery", "page_size": "a4"}
    )
    assert response.status_code == 302
    assert export_options_of(plan).page_size == "a4"
    content = client.get(response.url).content.decode()
    assert '<option value="a4" selected>A4</option>' in content


def test_an_unknown_page_size_is_refused_beside_the_field(client, plan, owner):
    client.force_login(owner)
    response = client.post(
        options_url(plan), {"with_options": "1", "phases": "delivery", "page_size": "tabloid"}
    )
    assert response.status_code == 400
    assert "Select a valid choice. tabloid is not one of the available choices." in (
        response.content.decode()
    )
    assert not ExportSettings.objects.exists()
