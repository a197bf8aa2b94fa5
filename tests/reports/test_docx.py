"""The Word export: a real .docx, read back with python-docx."""

import datetime
import io
import re
import zipfile

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from microcred.plans.answers import save_answer
from microcred.plans.models import Answer, Plan
from microcred.plans.version_moves import move_plan_to_version
from microcred.questionnaires.selectors import flatten
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.reports.docx import PartialReader, render_plan_docx, xml_text
from microcred.reports.docx.charts import svg_elements
from microcred.reports.docx.partials import ChartBlock
from microcred.reports.models import ReportExport
from microcred.reports.options import ExportOptions
from microcred.reports.rendering import render_export, report_context
from tests.factories import PHASE_TITLES
from tests.reports.conftest import document_text

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_export(plan, **options):
    export = ReportExport.objects.create(
        plan=plan,
        requested_by=plan.created_by,
        format=ReportExport.Format.DOCX,
        options=ExportOptions(**options).as_json(),
    )
    return render_export(export_id=export.pk)


def opened(export) -> Document:
    with export.file.open("rb") as handle:
        return Document(io.BytesIO(handle.read()))


def docx_of(plan, **options) -> Document:
    context = report_context(plan=plan, options=ExportOptions(**options))
    return Document(io.BytesIO(render_plan_docx(context)))


def styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def following(document, text: str):
    """The paragraph after the one that reads `text`."""
    paragraphs = document.paragraphs
    position = next(i for i, p in enumerate(paragraphs) if p.text == text)
    return paragraphs[position + 1]


def table_after(document, heading: str):
    """The first table after the paragraph that reads `heading`."""
    body = document.element.body
    seen = False
    for element in body.iterchildren():
        if element.tag == qn("w:p") and "".join(t.text for t in element.iter(qn("w:t"))) == heading:
            seen = True
        elif seen and element.tag == qn("w:tbl"):
            return next(t for t in document.tables if t._tbl is element)
    raise AssertionError(f"No table after {heading!r}")


def test_demo_plan_as_word_has_phases_as_heading_1_and_numbered_questions(demo_plan):
    export = word_export(demo_plan)
    assert export.status == ReportExport.Status.DONE, export.error
    assert export.filename == (
        f"data-privacy-fundamentals-plan-{timezone.localdate(export.finished_at)}.docx"
    )
    assert export.page_count is None
    assert export.size_bytes == export.file.size
    document = opened(export)
    assert styled(document, "Heading 1") == [
        *(f"{number}. {title}" for number, title in enumerate(PHASE_TITLES, start=1)),
        "Appendix: review rounds and open comments",
    ]
    assert styled(document, "Title") == ["Data Privacy Fundamentals"]
    headings = {p.text: p.style.name for p in document.paragraphs}
    assert headings["1 What is the business case?"] == "Heading 2"
    assert headings["1.1 To drive revenue, volume, or other?"] == "Heading 3"
    assert headings["3.4.1 What's the gap that microcredential will fill?"] == "Heading 4"
    assert headings["Cost, revenue and ROI"] == "Heading 3"  # the ROI panel, after cost lines
    answer = following(document, "1.1 To drive revenue, volume, or other?")
    assert (answer.style.name, answer.text) == (
        "Answer",
        "Revenue, Volume, Other: Member retention and a pipeline into the NGP",
    )
    assert answer.style.paragraph_format.left_indent > 0


def test_every_question_of_the_demo_plan_is_in_the_word_document(demo_plan):
    document = opened(word_export(demo_plan))
    paragraphs = {p.text for p in document.paragraphs}
    context = report_context(plan=demo_plan)
    items = [item for section in context["sections"] for item in flatten(section.items)]
    assert len(items) == demo_plan.template_version.questions.count()
    for item in items:
        if item.question.is_reflection:
            assert item.question.text in paragraphs
        else:
            assert f"{item.number} {item.question.text}" in paragraphs


def test_unanswered_questions_are_marked_in_italics_and_required_ones_say_so(demo_plan):
    Answer.objects.filter(plan=demo_plan, question__key="long_term_marketing_plans").delete()
    document = opened(word_export(demo_plan))
    unanswered = following(
        document, "3.2 What are the disadvantages of developing a microcredential?"
    )
    assert unanswered.text == "Not answered"
    assert [run.italic for run in unanswered.runs] == [True]
    required = following(document, "6 What are your long-term marketing plans for the program?")
    assert required.text == "Not answered (required)"


def test_record_sets_are_tables_with_a_repeating_header_row_and_their_totals(demo_plan):
    document = opened(word_export(demo_plan))
    heading = "2.1 List your stakeholders and how you will consult each of them."
    table = table_after(document, heading)
    header = table.rows[0]
    assert [cell.text for cell in header.cells] == [
        "Name or group",
        "Internal or external",
        "Interest",
        "How consulted",
        "From",
        "Until",
    ]
    assert header._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert [run.bold for run in header.cells[0].paragraphs[0].runs] == [True]
    assert [cell.text for cell in table.rows[1].cells] == [
        "Certification Council",
        "Internal",
        "Approves the program and its blueprint before item writing starts",
        "Formal approval at Council meetings",
        "10 December 2026",
        "25 February 2027",
    ]
    assert table.rows[1]._tr.trPr is None  # only the first row repeats
    text = document_text(document)
    assert "Internal stakeholders: 2\nExternal stakeholders: 4" in text


def test_panels_figures_are_tables(demo_plan):
    document = opened(word_export(demo_plan))
    roi = table_after(document, "Cost, revenue and ROI")
    assert [cell.text for cell in roi.rows[0].cells] == [
        "Year",
        "Revenue",
        "Cost",
        "Net",
        "Cumulative net",
    ]
    assert "Break-even in year 2, month 10." in [p.text for p in document.paragraphs]
    calendar = table_after(document, "Review calendar")
    assert [cell.text for cell in calendar.rows[0].cells][:3] == [
        "Review",
        "Owner",
        "Every (months)",
    ]


def test_core_properties_name_the_plan_its_authors_and_when_it_was_made(demo_plan):
    export = word_export(demo_plan)
    properties = opened(export).core_properties
    assert properties.title == "Data Privacy Fundamentals: microcredential plan"
    assert properties.author == "Maya Patel, Eli Okafor"
    assert properties.subject == (
        "Plan for the Data Privacy Fundamentals microcredential, "
        "Northbridge Institute for Information Governance"
    )
    assert properties.keywords == (
        "microcredential plan; Northbridge Institute for Information Governance; Draft"
    )
    made = properties.created.replace(tzinfo=datetime.UTC)
    assert export.started_at - datetime.timedelta(seconds=1) <= made <= export.finished_at
    assert properties.modified == properties.created
    assert properties.comments == ""  # the default options
    with export.file.open("rb") as handle:
        names = zipfile.ZipFile(handle).namelist()
    assert "word/document.xml" in names
    assert not [name for name in names if "thumbnail" in name]


def test_the_cover_gives_the_facts_and_a_table_of_contents_word_fills_in(demo_plan):
    document = opened(word_export(demo_plan))
    cover = document.tables[0]
    facts = {row.cells[0].text: row.cells[1].text for row in cover.rows}
    version = demo_plan.template_version
    assert facts == {
        "Status": "Draft",
        "Question template": f"Version {version.number}: {version.name}",
        "Date": timezone.localdate().strftime("%-d %B %Y"),
        "Written by": "Maya Patel, Eli Okafor",
        "Progress": facts["Progress"],
    }
    assert re.fullmatch(r"\d+ of \d+ questions answered", facts["Progress"])
    assert cover.rows[0]._tr.trPr is None  # no header row
    instructions = [node.text for node in document.element.body.iter(qn("w:instrText"))]
    assert instructions == [' TOC \\o "1-2" \\h \\z \\u ']
    assert styled(document, "TOC Heading") == ["Contents"]
    settings = document.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    text = document_text(document)
    assert "right-click the contents and choose Update Field." in text
    assert "Contents\n" in text and "\n1. Strategic Planning\n2. Marketing\n" in text


def test_long_answers_keep_their_paragraphs_and_line_breaks(plan, owner, question):
    business_case = plan.template_version.questions.get(key="business_case")
    save_answer(
        plan=plan,
        question=business_case,
        raw_value="First paragraph.\n\nSecond paragraph,\nwith a second line.",
        base_revision=0,
        user=owner,
    )
    document = docx_of(plan)
    first = following(document, "1 What is the business case?")
    second = following(document, "First paragraph.")
    assert (first.style.name, second.style.name) == ("Answer", "Answer")
    assert second.text == "Second paragraph,\nwith a second line."
    assert len(second._p.findall(f"{qn('w:r')}/{qn('w:br')}")) == 1


def test_a_question_that_does_not_apply_says_why(plan, owner):
    model = plan.template_version.questions.get(key="credential_model")
    save_answer(
        plan=plan,
        question=model,
        raw_value={"choice": "Certificate", "other": ""},
        base_revision=0,
        user=owner,
    )
    text = document_text(docx_of(Plan.objects.get(pk=plan.pk)))
    assert (
        "Not applicable: Applies when the answer to “What is the model for microcredential "
        "program?” is “Stackable”." in text
    )


def test_control_characters_are_dropped_and_markup_is_text(plan, owner):
    business_case = plan.template_version.questions.get(key="business_case")
    save_answer(plan=plan, question=business_case, raw_value="x", base_revision=0, user=owner)
    context = report_context(plan=plan)
    item = next(
        item
        for section in context["sections"]
        for item in flatten(section.items)
        if item.question == business_case
    )
    # As an older release or another tool may have stored it (PostgreSQL cannot hold NUL).
    item.answer.value = "<script>alert(1)</script> a\x0bb\x00c\x1fd\ufffee\ud800f & <b>g</b>"
    document = Document(io.BytesIO(render_plan_docx(context)))
    answer = following(document, "1 What is the business case?")
    assert answer.text == "<script>alert(1)</script> a\nbcdef & <b>g</b>"
    assert xml_text("tab\tnew\r\nline\x0cpage\u2028sep") == "tab\tnew\nline\npage\nsep"


def test_the_options_leave_out_phases_unanswered_questions_and_the_appendix(demo_plan):
    document = opened(
        word_export(
            demo_plan,
            phase_slugs=frozenset({"strategic-planning", "delivery"}),
            include_unanswered=False,
            include_appendix=False,
        )
    )
    assert styled(document, "Heading 1") == ["1. Strategic Planning", "5. Delivery"]
    text = document_text(document)
    assert "Not answered" not in text
    assert "3.2 What are the disadvantages of developing a microcredential?" not in text
    assert "3.4.1 What's the gap that microcredential will fill?" in text
    assert "What are your long-term marketing plans" not in text
    assert "Unresolved comments" not in text
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert facts["Included"] == (
        "Phases: Strategic Planning, Delivery; without unanswered questions; "
        "without the review history and comments appendix"
    )
    assert document.core_properties.comments == facts["Included"]


def test_a_phase_left_without_questions_says_so(plan):
    document = docx_of(plan, phase_slugs=frozenset({"marketing"}), include_unanswered=False)
    assert styled(document, "Heading 1") == ["2. Marketing"]
    assert "No question of this phase has an answer yet." in [
        p.text for p in document.paragraphs if p.style.name == "Answer"
    ]


@pytest.fixture
def plan_with_archived_answer(plan, owner, template_version):
    gap = template_version.questions.get(key="market_gap")
    save_answer(plan=plan, question=gap, raw_value="A gap.", base_revision=0, user=owner)
    draft = create_draft(source=template_version)
    draft.questions.get(key="market_gap").delete()
    move_plan_to_version(plan=plan, version=publish_version(version=draft), user=owner)
    return Plan.objects.select_related("template_version").get(pk=plan.pk)


def test_archived_answers_come_after_the_phases_unless_left_out(plan_with_archived_answer):
    document = docx_of(plan_with_archived_answer)
    assert styled(document, "Heading 1")[-1] == "Archived answers"
    gap = "What's the gap that microcredential will fill?"
    assert following(document, gap).text == "A gap."
    left_out = docx_of(plan_with_archived_answer, include_archived=False)
    assert "Archived answers" not in styled(left_out, "Heading 1")
    assert gap not in [p.text for p in left_out.paragraphs]


def test_a_partial_is_read_as_headings_paragraphs_tables_and_charts():
    chart = "<svg><title>Chart</title><text>1</text></svg>"
    markup = (
        '<section><h3 class="panel-title">Figures</h3><p>Some <em>text</em>,<br>two lines.</p>'
        f"{chart}<dl><dt>Mean</dt><dd>4.5</dd></dl>"
        '<table><caption class="visually-hidden">Items</caption><thead><tr><th>Item</th>'
        '<th class="num">SD</th></tr></thead><tbody><tr><th>q1</th><td>0.5</td></tr></tbody>'
        '</table><p class="visually-hidden">Hidden</p><ul><li>One &amp; two</li></ul></section>'
    )
    reader = PartialReader(svg_elements(markup))
    reader.feed(markup)
    table = reader.blocks[4]
    assert reader.blocks[:4] == [
        ("heading", "Figures"),
        ("text", "Some text,\ntwo lines."),
        ChartBlock(svg=chart),
        ("text", "Mean: 4.5"),
    ]
    assert (table.header, table.rows, table.numeric) == (["Item", "SD"], [["q1", "0.5"]], {1})
    assert reader.blocks[5:] == [("text", "One & two")]


def test_the_word_export_is_served_as_a_word_document(client, plan, reviewer):
    export = word_export(plan)
    client.force_login(reviewer)
    response = client.get(export.get_download_url())
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert export.filename.endswith(".docx")
    content = b"".join(response.streaming_content)
    assert Document(io.BytesIO(content)).core_properties.title == (
        f"{plan.title}: microcredential plan"
    )
