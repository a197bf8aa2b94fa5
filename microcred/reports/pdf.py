"""HTML to PDF with WeasyPrint. WeasyPrint is imported here, once per process (a worker
loads it at start-up through tasks.py), never per task: the import costs half a second."""

import mimetypes
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import weasyprint
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The report's HTML is rendered against this base URL; the fetcher answers for its
# /static/ files only. The .invalid top-level domain can never resolve.
REPORT_BASE_URL = "https://report.invalid/"
STATIC_PREFIX = REPORT_BASE_URL + "static/"


class RefusedFetch(ValueError):
    pass


class StaticFilesOnlyFetcher(URLFetcher):
    """Lets WeasyPrint load the application's own static files (the report stylesheet)
    and refuses every other URL: file://, http(s)://, data: and anything an answer
    might smuggle in. WeasyPrint logs a refused URL and renders without it."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_PREFIX):
            raise RefusedFetch(f"Reports may only load the application's static files: {url}")
        relative = posixpath.normpath(unquote(urlsplit(url).path).removeprefix("/static/"))
        if relative.startswith(("..", "/")):
            raise RefusedFetch(f"Not a static file: {url}")
        body = read_static_file(relative)
        if body is None:
            raise RefusedFetch(f"No such static file: {url}")
        mime_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})


def read_static_file(relative: str) -> bytes | None:
    """A static file's bytes by the name `{% static %}` gave: the source file, which the
    finders know (so a stale collectstatic never hides an edit), or else, in production,
    the hashed copy that collectstatic wrote (report.3f2a….css), which only the static
    files storage holds."""
    try:
        path = finders.find(relative)
        if path:
            with open(path, "rb") as static_file:
                return static_file.read()
        if staticfiles_storage.exists(relative):
            with staticfiles_storage.open(relative, "rb") as static_file:
                return static_file.read()
    except (SuspiciousFileOperation, NotImplementedError, OSError):
        return None
    return None


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


def html_to_pdf(html: str, *, url_fetcher=None, page_size: str = "") -> RenderedPdf:
    """A tagged PDF (PDF/UA-1) of the report HTML, on pages of `page_size` (a CSS `size`:
    the export options' paper; the report's stylesheet sets none). `url_fetcher` defaults
    to one that serves only our static files."""
    page = [weasyprint.CSS(string=f"@page {{ size: {page_size} }}")] if page_size else []
    document = weasyprint.HTML(
        string=html,
        base_url=REPORT_BASE_URL,
        url_fetcher=url_fetcher or StaticFilesOnlyFetcher(),
    ).render(stylesheets=page, pdf_variant="pdf/ua-1")
    return RenderedPdf(
        content=document.write_pdf(pdf_variant="pdf/ua-1"), page_count=len(document.pages)
    )
