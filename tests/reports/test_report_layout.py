"""The PDF's layout, read back from the PDF: no page holds only a phase's reflection,
and the contents list "Archived answers" with its page when the plan has them."""

import io
import re

import pytest
from pypdf import PdfReader

from microcred.plans.answers import save_answer
from microcred.plans.version_moves import move_plan_to_version
from microcred.questionnaires.versions import publish_version
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from tests.questionnaires.conftest import draft_with_changes

pytestmark = pytest.mark.django_db

SENTENCE = "Each quarter the program team reviews item statistics with the psychometrician. "
REFLECTION = "We will watch the renewal load. " * 6


@pytest.fixture(autouse=True)
def source_stylesheet(settings, tmp_path):
    """The stylesheet as it is in static/, not a copy an earlier collectstatic left in
    STATIC_ROOT, which the report would read first."""
    settings.STATIC_ROOT = tmp_path / "static-root"


def page_texts(plan) -> list[str]:
    pdf = html_to_pdf(render_plan_html(plan=plan))
    reader = PdfReader(io.BytesIO(pdf.content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def answer(plan, user, key, value):
    question = plan.template_version.questions.get(key=key)
    save_answer(plan=plan, question=question, raw_value=value, base_revision=0, user=user)


# Answers to the question before Maintenance's reflection of these lengths (in sentences)
# left the reflection alone on the last page, or on the page after a full page of answer.
@pytest.mark.parametrize("sentences", [8, 12, 52])
def test_a_reflection_never_starts_a_page_of_its_own(plan, owner, sentences):
    answer(plan, owner, "maintenance_reflection", REFLECTION)
    answer(plan, owner, "psychometrics_approach", SENTENCE * sentences)
    texts = page_texts(plan)
    alone = [text for text in texts if text.startswith("Reflection ")]
    assert alone == []
    last = texts[-1]
    assert last.index("Each quarter the program team") < last.index("Reflection Consider how")
    assert REFLECTION.strip() in last


def test_the_contents_list_archived_answers_with_their_page(plan, owner, template_version):
    answer(plan, owner, "market_gap", "No vendor-neutral, assessed credential exists.")
    version = publish_version(version=draft_with_changes(template_version))
    move_plan_to_version(plan=plan, version=version, user=owner)
    texts = page_texts(plan)
    contents = next(text for text in texts if text.startswith("Contents "))
    found = re.search(
        r"Archived answers \.+ ?(\d+) 1 answer kept from earlier template versions", contents
    )
    assert found, contents
    page = int(found.group(1))
    assert texts[page - 1].startswith("Archived answers Answers to questions that template")


def test_without_archived_answers_the_contents_do_not_list_them(plan, owner):
    answer(plan, owner, "market_gap", "No vendor-neutral, assessed credential exists.")
    contents = next(text for text in page_texts(plan) if text.startswith("Contents "))
    assert "Archived answers" not in contents
    assert contents.startswith("Contents 1. Strategic Planning")
