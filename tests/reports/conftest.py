import io

import pytest
from pypdf import PdfReader

from microcred.plans.demo import load_demo_data
from microcred.reports.pdf import StaticFilesOnlyFetcher
from tests.reports.broker import broker_fixture  # noqa: F401  (the `broker` fixture)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo_plan(template_version):
    return load_demo_data()


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


def export_text(export) -> str:
    with export.file.open("rb") as handle:
        return pdf_text(handle.read())
