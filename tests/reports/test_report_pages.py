"""The demo plan's PDF as a committee reads it, read back from the PDF: the executive
summary after the cover, amounts whole on their line, the candidate forecast as a grid,
and phases that flow on from one another."""

import io

import pytest
from pypdf import PdfReader

from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html

pytestmark = pytest.mark.django_db

SUMMARY = (
    "Executive summary Business case "
    "Price per candidate 195.00 to 395.00 USD "
    "Break-even Year 2, month 10 "
    "Return on investment 40.7% over 3 years, 81.9% over 5 years "
    "Net present value 319,575.00 USD over the 5 years at a 0% discount rate "
    "Readiness by phase Phase Answered Readiness "
    "1. Strategic Planning 27 of 29 Ready "
    "2. Marketing 12 of 12 Ready "
    "3. Operational Considerations 13 of 14 Ready "
    "4. Design and Development 17 of 18 Ready "
    "5. Delivery 6 of 6 Ready "
    "6. Maintenance 8 of 9 1 readiness problem "
    "Answer the required question “Consider how the answers to each of these questions "
    "may impact the…”. "
    "Open issues 1 readiness problem in all. "
    "2 unresolved comment threads, listed in the appendix."
)
FORECAST_GRID = [
    "Expected candidates by price tier and year",
    "Price tier Year 1 Year 2 Year 3 Year 4 Year 5 Total",
    "Early adopter, member 160 – – – – 160",
    "Early adopter, non-member 90 – – – – 90",
    "Member 60 250 220 200 190 920",
    "Non-member 30 150 130 120 110 540",
    "Organization licence, 10 seats (15% off) 60 120 120 100 100 500",
    "Exam only 20 40 30 30 30 150",
    "Total 420 560 500 450 430 2,360",
]


@pytest.fixture(autouse=True)
def source_stylesheet(settings, tmp_path):
    """The stylesheet as it is in static/, not a copy an earlier collectstatic left."""
    settings.STATIC_ROOT = tmp_path / "static-root"


@pytest.fixture
def demo_pages(demo_plan) -> list[list[str]]:
    """Each page of the demo plan's PDF as its lines of text."""
    pdf = html_to_pdf(render_plan_html(plan=demo_plan))
    return [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(pdf.content)).pages]


def words(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_the_demo_plan_pdf_reads_as_a_committee_needs_it(demo_pages):
    # The executive summary is the page after the cover, before the contents.
    assert words(demo_pages[1]).startswith(SUMMARY)
    assert words(demo_pages[2]).startswith("Contents 1. Strategic Planning")
    lines = [line.strip() for page in demo_pages for line in page]
    # An amount and its currency on one line, in the tables and in their totals.
    assert "Blueprint, item writing and standard setting Development 70,000.00 USD Year 1" in lines
    assert "Total one-time funding in USD 105,000.00 USD" in lines
    assert "Total yearly funding in USD 156,000.00 USD" in lines
    # The candidate forecast: price tiers by year, with totals, rather than a row a year
    # and tier.
    start = lines.index(FORECAST_GRID[0])
    assert lines[start : start + len(FORECAST_GRID)] == FORECAST_GRID
    assert "Year Price tier Expected candidates" not in lines


def test_a_phase_starts_on_the_page_where_the_previous_one_ends(demo_pages):
    texts = [words(page) for page in demo_pages]
    operations = next(text for text in texts if "3. Operational Considerations Operational" in text)
    # Marketing's last table ends on that page, and Operational Considerations' heading
    # keeps its introduction and first question with it.
    assert "Badge shares on professional networks" in operations
    assert operations.index("Badge shares") < operations.index("3. Operational Considerations")
    for title, first_question in [
        ("2. Marketing", "1 What is the focus and primary messaging about the program?"),
        ("3. Operational Considerations", "1 How will you assess organizational capability"),
        ("4. Design and Development", "1 What is the model for microcredential program?"),
        ("5. Delivery", "1 Will your assessment require proctoring"),
        ("6. Maintenance", "1 What is required to maintain the program?"),
    ]:
        page = next(text for text in texts[3:] if f"{title} " in text)
        assert first_question in page[page.index(title) :], title
