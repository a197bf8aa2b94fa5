import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from microcred.plans.models import Answer
from microcred.reports.pdf import StaticFilesOnlyFetcher
from tests.reports.broker import broker_fixture  # noqa: F401  (the `broker` fixture)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class SpyFetcher(StaticFilesOnlyFetcher):
    """The real fetcher, remembering every URL WeasyPrint asked it for."""

    def __init__(self):
        super().__init__()
        self.asked = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        return super().fetch(url, headers)


@pytest.fixture
def spy_fetcher():
    return SpyFetcher()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Join the lines that layout broke, so that phrases can be searched whole.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    return document_text(Document(io.BytesIO(content)))


def document_text(document) -> str:
    """Every paragraph's text, those in tables too, in reading order, one line each (and
    each line break kept)."""
    body = document.element.body
    return "\n".join(
        "".join(
            (node.text or "") if node.tag == qn("w:t") else "\n"
            for node in paragraph.iter(qn("w:t"), qn("w:br"))
        )
        for paragraph in body.iter(qn("w:p"))
    )


def export_text(export) -> str:
    """The text of an export's file, PDF or Word."""
    with export.file.open("rb") as handle:
        content = handle.read()
    return docx_text(content) if export.format == "docx" else pdf_text(content)


def break_the_layout(plan, user):
    """Store a corrupt value (not one the services would write) that the report layout
    cannot show, so that rendering the plan fails deterministically."""
    fee = plan.template_version.questions.get(key="business_case")
    fee.kind = "money"
    fee.save()
    Answer.objects.create(
        plan=plan,
        question=fee,
        value={"amount": "lots", "currency": "USD"},
        revision=1,
        updated_by=user,
        updated_at=plan.created_at,
    )
