"""A PDF rendered as production renders it: DEBUG off, static files collected into
hashed copies (report.<hash>.css) by the manifest storage."""

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def fonts_of(content: bytes, page_number: int) -> set[str]:
    page = PdfReader(io.BytesIO(content)).pages[page_number]
    fonts = page["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}


def test_production_pdf_is_styled_and_numbered(production_static, demo_plan, spy_fetcher):
    html = render_plan_html(plan=demo_plan)
    stylesheet = re.search(r'href="(/static/css/report\.[0-9a-f]{12}\.css)"', html)
    assert stylesheet, "the report should link the hashed stylesheet collectstatic wrote"

    pdf = html_to_pdf(html, url_fetcher=spy_fetcher)

    assert spy_fetcher.asked == ["https://report.invalid" + stylesheet.group(1)]
    text = pdf_text(pdf.content)
    assert f"Page 2 of {pdf.page_count}" in text
    assert f"Page {pdf.page_count} of {pdf.page_count}" in text
    # Headings are set in the stylesheet's sans-serif; an unstyled PDF has only serif.
    assert "DejaVu-Sans-Bold" in fonts_of(pdf.content, 0)
