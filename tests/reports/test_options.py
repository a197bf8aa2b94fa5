"""Export options: remembered per plan, recorded on each export, the same for every format."""

import pytest

from microcred.comments.services import add_comment
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan
from microcred.questionnaires.selectors import flatten
from microcred.reports.content import plan_report_context
from microcred.reports.models import ExportSettings, ReportExport
from microcred.reports.options import DEFAULT_OPTIONS, ExportOptions, export_options_of
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from microcred.reports.services import request_export, save_export_options
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

SOME = ExportOptions(
    phase_slugs=frozenset({"strategic-planning", "delivery"}), include_unanswered=False
)


def test_options_keep_to_json_and_back_and_an_old_export_means_everything():
    assert ExportOptions.from_json(SOME.as_json()) == SOME
    assert SOME.as_json() == {
        "phases": ["delivery", "strategic-planning"],
        "include_unanswered": False,
        "include_appendix": True,
        "include_archived": True,
        "page_size": "auto",
    }
    assert ExportOptions.from_json({}) == DEFAULT_OPTIONS
    assert DEFAULT_OPTIONS.is_default and not SOME.is_default


def test_options_say_what_they_leave_out_with_the_phases_in_their_order(template_version):
    phases = list(template_version.phases.order_by("order"))
    assert DEFAULT_OPTIONS.description(phases) == ""
    assert SOME.description(phases) == (
        "Phases: Strategic Planning, Delivery; without unanswered questions"
    )
    assert ExportOptions(include_appendix=False, include_archived=False).description(phases) == (
        "Without the review history and comments appendix; without archived answers"
    )


def test_saved_options_are_the_plans_and_stamp_its_pages(plan, owner):
    assert export_options_of(plan) == DEFAULT_OPTIONS
    assert save_export_options(plan=plan, options=DEFAULT_OPTIONS, user=owner) is None
    assert not ExportSettings.objects.exists()
    before = Plan.objects.get(pk=plan.pk).pages_changed_at
    saved = save_export_options(plan=plan, options=SOME, user=owner)
    assert (saved.updated_by, saved.phase_slugs) == (owner, ["delivery", "strategic-planning"])
    assert export_options_of(plan) == SOME
    stamped = Plan.objects.get(pk=plan.pk).pages_changed_at
    assert stamped is not None and stamped != before
    # The same options again change nothing, not even who saved them.
    editor = plan.memberships.get(role="editor").user
    save_export_options(plan=plan, options=SOME, user=editor)
    assert Plan.objects.get(pk=plan.pk).pages_changed_at == stamped
    assert ExportSettings.objects.get().updated_by == owner


def test_an_export_records_its_format_and_the_options_of_its_time(plan, owner):
    save_export_options(plan=plan, options=SOME, user=owner)
    pdf, created = request_export(plan=plan, user=owner)
    assert created and pdf.format == ReportExport.Format.PDF
    # One in flight per format: the Word document is a second export, not the PDF again.
    word, created = request_export(plan=plan, user=owner, export_format="docx")
    assert created and word.pk != pdf.pk
    assert request_export(plan=plan, user=owner, export_format="docx") == (word, False)
    save_export_options(plan=plan, options=DEFAULT_OPTIONS, user=owner)
    assert [e.options for e in ReportExport.objects.order_by("pk")] == [SOME.as_json()] * 2


def test_the_context_leaves_out_phases_and_unanswered_questions_but_counts_them(plan, owner):
    # An answered sub-question keeps its unanswered parent, as the heading it needs.
    drivers = plan.template_version.questions.get(key="business_case_drivers")
    save_answer(
        plan=plan,
        question=drivers,
        raw_value={"choices": ["Revenue"], "other": ""},
        base_revision=0,
        user=owner,
    )
    full = plan_report_context(plan)
    context = plan_report_context(plan, options=SOME)
    assert [(s.number, s.phase.title) for s in context["sections"]] == [
        (1, "Strategic Planning"),
        (5, "Delivery"),
    ]
    planning = context["sections"][0]
    assert [(item.number, item.value) for item in flatten(planning.items)] == [
        ("1", None),
        ("1.1", {"choices": ["Revenue"], "other": ""}),
    ]
    assert context["sections"][1].items == []
    assert (planning.answered, planning.total) == (
        full["sections"][0].answered,
        full["sections"][0].total,
    )
    assert context["options_text"] == (
        "Phases: Strategic Planning, Delivery; without unanswered questions"
    )


def test_the_appendix_keeps_only_the_threads_of_the_phases_exported(plan, owner):
    phases = {phase.slug: phase for phase in plan.template_version.phases.all()}
    add_comment(plan=plan, user=owner, body="On delivery.", phase=phases["delivery"])
    add_comment(plan=plan, user=owner, body="On marketing.", phase=phases["marketing"])
    threads = plan_report_context(plan, options=SOME)["open_threads"]
    assert [entry.thread.comment.body for entry in threads] == ["On delivery."]
    assert threads.total == 1
    left_out = plan_report_context(plan, options=ExportOptions(include_appendix=False))
    assert (left_out["show_appendix"], list(left_out["open_threads"])) == (False, [])


def test_the_pdf_cover_says_which_options_were_used(plan, owner):
    add_comment(
        plan=plan, user=owner, body="Open.", phase=plan.template_version.phases.get(order=1)
    )
    text = pdf_text(html_to_pdf(render_plan_html(plan=plan, options=SOME)).content)
    assert "Included Phases: Strategic Planning, Delivery; without unanswered questions" in text
    contents = text[text.index("Contents") : text.index("1. Strategic Planning Strategic")]
    assert "1. Strategic Planning" in contents and "5. Delivery" in contents
    assert "2. Marketing" not in text
    assert "Not answered" not in text
    assert "No question of this phase has an answer yet." in text
    assert "Appendix: review rounds and open comments" in text
    default = pdf_text(html_to_pdf(render_plan_html(plan=plan)).content)
    assert "Included" not in default and "2. Marketing" in default
