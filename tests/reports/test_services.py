import re

import pytest
from pypdf import PdfReader

from microcred.plans.answers import save_answer
from microcred.plans.models import Plan
from microcred.reports.models import ReportExport
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_export
from microcred.reports.tasks import render_plan_report
from tests.factories import PHASE_TITLES, PlanFactory
from tests.reports.conftest import break_the_layout, export_text, pdf_text

pytestmark = pytest.mark.django_db


def queued_export(plan, user=None):
    return ReportExport.objects.create(plan=plan, requested_by=user or plan.created_by)


def test_demo_plan_pdf_has_cover_contents_phases_answers_and_gaps(demo_plan):
    export = render_export(export_id=queued_export(demo_plan).pk)
    assert export.status == ReportExport.Status.DONE
    text = export_text(export)
    assert text.startswith("MICROCREDENTIAL PLAN Data Privacy Fundamentals Northbridge Institute")
    assert "Status Draft" in text
    version = demo_plan.template_version.number
    assert f"Question template Version {version}: Phases of Microcredential Development" in text
    assert "Written by Maya Patel, Eli Okafor" in text
    phases = PHASE_TITLES
    contents = text[text.index("Contents") : text.index("1. Strategic Planning Strategic planning")]
    for number, title in enumerate(phases, start=1):
        assert f"{number}. {title} ...." in contents
        assert f"{number}. {title}" in text[len(contents) :]
    assert "3.4.1 What's the gap that microcredential will fill?" in text
    assert "There is no short, vendor-neutral, assessed credential aimed at practitioners" in text
    assert (
        "1.1 To drive revenue, volume, or other? Revenue, Volume, Other: Member retention" in text
    )
    assert "3.2 What are the disadvantages of developing a microcredential? Not answered" in text
    assert "Not answered (required)" in text
    assert "Page 2 of " in text
    reader = PdfReader(export.file.path)
    assert reader.metadata.title == "Data Privacy Fundamentals: microcredential plan"
    assert reader.metadata.author == "Maya Patel, Eli Okafor"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert "/StructTreeRoot" in catalog  # a tagged PDF (PDF/UA-1)
    assert catalog["/MarkInfo"]["/Marked"]
    assert export.page_count == len(reader.pages)
    assert export.size_bytes == export.file.size
    assert export.filename == f"data-privacy-fundamentals-plan-{export.finished_at:%Y-%m-%d}.pdf"


def test_table_of_contents_gives_the_page_each_phase_starts_on(demo_plan):
    export = render_export(export_id=queued_export(demo_plan).pk)
    reader = PdfReader(export.file.path)
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    contents = pages[2]  # after the cover and the executive summary
    assert contents.startswith("Contents 1. Strategic Planning")
    for number, phase in enumerate(demo_plan.template_version.phases.order_by("order"), start=1):
        entry = re.search(rf"{number}\. {re.escape(phase.title)} \.+ (\d+)", contents)
        assert entry, f"No contents entry for {phase.title}"
        start_page = pages[int(entry.group(1)) - 1]
        assert " ".join(phase.intro.split())[:60] in start_page


HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://127.0.0.1:1/x"> '
    '<style>@import url("https://example.org/evil.css");</style>'
)


def test_hostile_answers_are_printed_as_text_and_nothing_is_fetched(plan, owner, spy_fetcher):
    business_case = plan.template_version.questions.get(key="business_case")
    save_answer(plan=plan, question=business_case, raw_value=HOSTILE, base_revision=0, user=owner)
    export = render_export(export_id=queued_export(plan).pk, url_fetcher=spy_fetcher)
    text = export_text(export)
    assert '<img src="file:///etc/passwd">' in text
    assert '<link rel="stylesheet" href="http://127.0.0.1:1/x">' in text
    assert spy_fetcher.asked == ["https://report.invalid/static/css/report.css"]


def test_fetcher_refuses_everything_but_our_static_files(spy_fetcher):
    for url in [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x",
        "data:image/png;base64,iVBORw0KGgo=",
        "https://report.invalid/static/../../settings.py",
        "https://report.invalid/static/%2e%2e/microcred/settings.py",
        "https://report.invalid/media/reports/other.pdf",
    ]:
        with pytest.raises(ValueError, match="Reports may only load|Not a static file|No such"):
            spy_fetcher.fetch(url)
    css = spy_fetcher.fetch("https://report.invalid/static/css/report.css")
    assert css.content_type == "text/css"
    assert b"@page" in css.read()


def test_rendering_twice_keeps_one_file(demo_plan, media_root):
    export = queued_export(demo_plan)
    render_export(export_id=export.pk)
    assert render_export(export_id=export.pk) is None
    files = list((media_root / "reports").rglob("*.pdf"))
    assert len(files) == 1
    export.refresh_from_db()
    assert (export.status, export.attempts) == (ReportExport.Status.DONE, 1)


def test_task_run_twice_for_one_export_yields_one_file(demo_plan, media_root):
    export = queued_export(demo_plan)
    render_plan_report.apply(args=[export.pk])
    render_plan_report.apply(args=[export.pk])
    assert len(list((media_root / "reports").rglob("*.pdf"))) == 1
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE


@pytest.mark.parametrize("export_format", ["pdf", "docx"])
def test_deterministic_error_fails_the_export_with_its_cause_and_no_retry(
    plan, owner, media_root, export_format
):
    break_the_layout(plan, owner)
    export = ReportExport.objects.create(plan=plan, requested_by=owner, format=export_format)
    result = render_plan_report.apply(args=[export.pk])
    export.refresh_from_db()
    assert result.successful()  # recorded, not raised: nothing to retry
    assert export.status == ReportExport.Status.FAILED
    assert export.attempts == 1
    document = {"pdf": "PDF", "docx": "Word document"}[export_format]
    assert export.error.startswith(
        f"The {document} could not be produced because of a problem in the plan's content or "
        "in the report layout (InvalidOperation"
    )
    assert export.error.endswith("please tell your administrator.")
    assert not (media_root / "reports").exists()


def test_an_export_abandoned_by_a_dead_worker_is_taken_over(demo_plan):
    from datetime import timedelta

    from django.utils import timezone

    export = queued_export(demo_plan)
    ReportExport.objects.filter(pk=export.pk).update(
        status=ReportExport.Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=10),
        claimed_by="dead-task",
        attempts=1,
    )
    assert render_export(export_id=export.pk, claimant="another-task").status == "done"


def test_a_running_export_is_left_to_its_worker_but_its_own_task_may_resume(demo_plan):
    from django.utils import timezone

    export = queued_export(demo_plan)
    ReportExport.objects.filter(pk=export.pk).update(
        status=ReportExport.Status.RUNNING, started_at=timezone.now(), claimed_by="task-1"
    )
    assert render_export(export_id=export.pk, claimant="task-2") is None
    assert render_export(export_id=export.pk, claimant="task-1").status == "done"


def test_cover_shows_the_decision_and_the_appendix_lists_rounds_and_open_comments(
    plan, owner, reviewer, question
):
    from microcred.comments.services import add_comment
    from microcred.review.services import decide_review, submit_for_review

    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    add_comment(
        plan=plan,
        user=reviewer,
        body="Please add the pilot numbers.",
        phase=question.phase,
        question=question,
    )
    resolved = add_comment(plan=plan, user=reviewer, body="Typo fixed?", phase=question.phase)
    resolved.resolved_at = resolved.created_at
    resolved.save()
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Pilot data.")
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    export = render_export(export_id=queued_export(plan).pk)
    text = export_text(export)
    assert "Status Approved Decision Approved by Rosa Reviewer on " in text
    assert "(review round 2)" in text
    appendix = text[text.index("Appendix: review rounds and open comments Review rounds") :]
    assert "1 " in appendix and "Changes requested, Rosa Reviewer" in appendix
    assert "Pilot data." in appendix
    assert "Approved, Rosa Reviewer" in appendix
    assert "Strategic Planning: 1 What is the business case?" in appendix
    assert "Rosa Reviewer, " in appendix and ": Please add the pilot numbers." in appendix
    assert "Typo fixed?" not in text


# What each export was made from


def test_an_export_records_the_plan_status_and_change_time_it_was_made_from(plan, owner, question):
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    plan.refresh_from_db()
    export = render_export(export_id=queued_export(plan).pk)
    assert (export.plan_status, export.plan_changed_at) == ("draft", plan.updated_at)
    assert export.plan_status_label == "Draft"
    assert export.is_current
    assert not export.is_approved_version


@pytest.mark.parametrize("export_format", ["pdf", "docx"])
def test_an_answer_saved_while_the_file_renders_leaves_the_export_out_of_date(
    plan, owner, question, monkeypatch, export_format
):
    from microcred.reports import rendering

    report_context = rendering.report_context

    def context_after_a_save(*, plan, options):
        save_answer(plan=plan, question=question, raw_value="Late.", base_revision=0, user=owner)
        return report_context(plan=plan, options=options)

    monkeypatch.setattr(rendering, "report_context", context_after_a_save)
    export = ReportExport.objects.create(plan=plan, requested_by=owner, format=export_format)
    export = render_export(export_id=export.pk)
    assert "Late." in export_text(export)
    plan.refresh_from_db()
    export = plan.exports.get()
    assert export.plan_changed_at < plan.updated_at
    assert not export.is_current


def test_the_migration_records_what_unchanged_plans_exported_and_leaves_the_rest(plan, owner):
    import importlib
    from datetime import timedelta

    from django.apps import apps

    migration = importlib.import_module("microcred.reports.migrations.0003_export_provenance")
    other = PlanFactory(created_by=owner, template_version=plan.template_version)
    for each in [plan, other]:
        ReportExport.objects.create(
            plan=each,
            requested_by=owner,
            status=ReportExport.Status.DONE,
            started_at=each.updated_at,
        )
    Plan.objects.filter(pk=other.pk).update(
        status=Plan.Status.IN_REVIEW, updated_at=other.updated_at + timedelta(seconds=1)
    )
    migration.record_what_unchanged_plans_exported(apps, None)
    plan.refresh_from_db()
    assert list(
        ReportExport.objects.order_by("pk").values_list("plan_status", "plan_changed_at")
    ) == [("draft", plan.updated_at), ("", None)]


# The review appendix


def test_appendix_numbers_each_thread_question_and_prints_the_submitters_notes(
    plan, owner, reviewer, template_version
):
    from microcred.comments.services import add_comment
    from microcred.reports.rendering import render_plan_html
    from microcred.review.services import decide_review, submit_for_review

    market_gap = template_version.questions.get(key="market_gap")
    design = template_version.questions.get(key="learning_journey")
    submit_for_review(
        plan=plan, user=owner, note="Pilot <b>data</b> attached.", confirm_incomplete=True
    )
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="See 3.4.1.")
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    for question in [market_gap, design]:
        add_comment(
            plan=plan, user=reviewer, body="Say more.", phase=question.phase, question=question
        )
    add_comment(plan=plan, user=reviewer, body="Overall fine.", phase=design.phase)
    html = render_plan_html(plan=plan)
    assert "<td>Pilot &lt;b&gt;data&lt;/b&gt; attached.</td>" in html
    text = pdf_text(html_to_pdf(html).content)
    appendix = text[text.index("Appendix: review rounds and open comments Review rounds") :]
    assert "Round Submitted Note from the submitter Decision Reason" in appendix
    assert "Pilot <b>data</b> attached." in appendix
    assert "Strategic Planning: 3.4.1 What's the gap that microcredential will fill?" in appendix
    assert "Design and Development: 4 What is the learning journey" in appendix
    assert "Design and Development (whole phase)" in appendix
