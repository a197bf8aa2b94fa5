from datetime import timedelta

import pytest
from django.urls import reverse

from microcred import celery_app
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan
from microcred.reports.models import ReportExport
from microcred.reports.options import ExportOptions
from microcred.reports.rendering import render_export
from microcred.review.services import submit_for_review

pytestmark = pytest.mark.django_db


def url(name, plan, **kwargs):
    return reverse(f"reports:{name}", kwargs={"plan_id": plan.pk, **kwargs})


@pytest.fixture
def done_export(plan, owner):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    return render_export(export_id=export.pk)


@pytest.mark.parametrize("name", ["list", "panel", "preview"])
def test_outsider_gets_404_for_reports(client, plan, outsider, name):
    client.force_login(outsider)
    assert client.get(url(name, plan)).status_code == 404


def test_outsider_gets_404_for_download_and_cannot_request(client, plan, outsider, done_export):
    client.force_login(outsider)
    assert client.get(url("download", plan, export_id=done_export.pk)).status_code == 404
    assert client.post(url("create", plan)).status_code == 404
    assert ReportExport.objects.count() == 1


def test_export_of_another_plan_is_404_even_for_a_member(client, plan, owner, done_export):
    from tests.factories import PlanFactory

    mine = PlanFactory(created_by=owner, template_version=plan.template_version)
    client.force_login(owner)
    assert client.get(url("download", mine, export_id=done_export.pk)).status_code == 404


def test_reviewer_downloads_the_pdf_with_a_proper_filename(client, plan, reviewer, done_export):
    client.force_login(reviewer)
    response = client.get(url("download", plan, export_id=done_export.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = done_export.finished_at.date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="data-privacy-fundamentals-plan-{day}.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True)
def test_requesting_an_export_renders_it_in_process_without_a_broker(
    client, plan, viewer, monkeypatch
):
    # What `make run` does with no broker configured, whatever this test run's broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    client.force_login(viewer)
    response = client.post(url("create", plan), headers={"HX-Request": "true"})
    export = ReportExport.objects.get()
    assert (export.status, export.requested_by) == (ReportExport.Status.DONE, viewer)
    content = response.content.decode()
    assert "Ready" in content
    assert export.get_download_url() in content
    assert 'hx-trigger="every 2s"' not in content


@pytest.mark.django_db(transaction=True)
def test_requesting_an_export_without_htmx_returns_to_the_plan(client, plan, owner, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    client.force_login(owner)
    response = client.post(url("create", plan), follow=True)
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert "The PDF is being prepared; it will appear in the list below." in (
        response.content.decode()
    )


def test_pending_export_panel_polls_and_says_what_is_happening(client, plan, owner):
    ReportExport.objects.create(plan=plan, requested_by=owner)
    client.force_login(owner)
    content = client.get(url("panel", plan)).content.decode()
    assert 'hx-trigger="every 2s"' in content
    assert "Waiting for a worker…" in content


def test_failed_export_shows_why_and_offers_try_again(client, plan, owner):
    ReportExport.objects.create(
        plan=plan, requested_by=owner, status=ReportExport.Status.FAILED, error="Broken <b>x</b>."
    )
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "Broken &lt;b&gt;x&lt;/b&gt;." in content
    assert "Try again" in content


def test_download_of_an_unfinished_export_is_404(client, plan, owner):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    client.force_login(owner)
    assert client.get(url("download", plan, export_id=export.pk)).status_code == 404


def test_export_list_queries_do_not_grow_with_exports(
    client, plan, owner, django_assert_num_queries
):
    ReportExport.objects.create(plan=plan, requested_by=owner)
    for status in ["done", "failed", "done", "failed", "done", "failed", "done"]:
        ReportExport.objects.create(plan=plan, requested_by=owner, status=status)
    client.force_login(owner)
    with django_assert_num_queries(7):  # with the options form: the phases and the saved options
        response = client.get(url("list", plan))
    assert response.content.decode().count('class="export-row') == 8


def test_print_preview_shows_the_report_with_a_way_back(client, plan, viewer, owner):
    business_case = plan.template_version.questions.get(key="business_case")
    from microcred.plans.answers import save_answer

    save_answer(
        plan=plan, question=business_case, raw_value="<b>Bold?</b>", base_revision=0, user=owner
    )
    client.force_login(viewer)
    content = client.get(url("preview", plan)).content.decode()
    assert "← Back to the plan" in content
    assert "&lt;b&gt;Bold?&lt;/b&gt;" in content
    assert "<b>Bold?</b>" not in content


# What each export was made from

CURRENT = "Current: made from the plan as it is now (status: {})"
OUT_OF_DATE = "Out of date: made before the latest changes"
FRESH_EXPORT = "Export a fresh PDF"


def finished_export(plan, *, user, **fields):
    """A finished export as a render records it, made from `plan` as it is now."""
    made = {"plan_status": plan.status, "plan_changed_at": plan.updated_at, "page_count": 12}
    return ReportExport.objects.create(
        plan=plan,
        requested_by=user,
        status=ReportExport.Status.DONE,
        size_bytes=40_960,
        **{**made, **fields},
    )


def rows(content: str) -> list[str]:
    """Each export row's text, tags stripped and spaces collapsed, newest first."""
    import re

    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r'<li class="export-row.*?</li>', content, flags=re.DOTALL)
    ]


def test_an_export_of_the_plan_as_it_is_now_is_current(client, plan, viewer, done_export):
    client.force_login(viewer)
    content = client.get(url("panel", plan)).content.decode()
    assert CURRENT.format("Draft") in content
    assert OUT_OF_DATE not in content
    assert FRESH_EXPORT not in content


def test_after_an_answer_changes_the_export_is_out_of_date_with_a_fresh_export_offered(
    client, plan, owner, question, done_export
):
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    client.force_login(owner)
    panel = client.get(url("panel", plan)).content.decode()
    assert f"{OUT_OF_DATE} (status then: Draft)" in panel
    assert "Current:" not in panel
    create = url("create", plan)
    assert (
        f'<form method="post" action="{create}" class="mt-1" hx-post="{create}" '
        'hx-target="#export-panel" hx-swap="outerHTML" hx-disabled-elt="find button">'
    ) in panel
    assert (
        f'<button type="submit" class="btn btn-sm btn-primary" name="format" value="pdf">'
        f"{FRESH_EXPORT}</button>"
    ) in panel
    # The list of exports has no panel to swap: its form posts and returns to the list.
    listed = client.get(url("list", plan)).content.decode()
    assert f"{OUT_OF_DATE} (status then: Draft)" in listed
    assert f'<form method="post" action="{create}" class="mt-1">' in listed
    assert "hx-post" not in listed


def test_submitting_puts_the_draft_export_out_of_date_and_a_new_export_is_current(
    client, plan, owner, reviewer
):
    draft_export = finished_export(plan, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(reviewer)
    assert rows(client.get(url("panel", plan)).content.decode()) == [
        f"Ready requested {draft_export.requested_at:%-d %b %Y, %H:%M} by Olivia Owner "
        f"Download PDF of {draft_export.requested_at:%-d %b %Y, %H:%M} "
        f"{OUT_OF_DATE} (status then: Draft) 12 pages, 40.0 KB {FRESH_EXPORT}"
    ]
    plan.refresh_from_db()
    finished_export(plan, user=reviewer)
    content = client.get(url("panel", plan)).content.decode()
    newest, older = rows(content)
    assert CURRENT.format("In review") in newest
    assert f"{OUT_OF_DATE} (status then: Draft)" in older
    assert FRESH_EXPORT not in content


def test_the_approved_export_stays_labelled_after_the_plan_changes_again(client, plan, owner):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    approved = finished_export(plan, user=owner)
    client.force_login(owner)
    (row,) = rows(client.get(url("list", plan)).content.decode())
    assert row.startswith("Ready Approved version requested ")
    assert "Download PDF of " in row and ", the approved version " in row
    assert CURRENT.format("Approved") in row
    # Back to draft for a new round: the approved PDF keeps its label, now out of date.
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.DRAFT, updated_at=approved.plan_changed_at + timedelta(minutes=1)
    )
    (row,) = rows(client.get(url("list", plan)).content.decode())
    assert row.startswith("Ready Approved version requested ")
    assert f"{OUT_OF_DATE} (status then: Approved)" in row


def test_an_export_made_before_provenance_was_recorded_is_out_of_date(client, plan, owner):
    finished_export(plan, user=owner, plan_status="", plan_changed_at=None)
    client.force_login(owner)
    (row,) = rows(client.get(url("panel", plan)).content.decode())
    assert f"{OUT_OF_DATE} 12 pages" in row


def test_a_failed_newest_export_offers_try_again_rather_than_a_fresh_export(
    client, plan, owner, question
):
    finished_export(plan, user=owner)
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    ReportExport.objects.create(
        plan=plan, requested_by=owner, status=ReportExport.Status.FAILED, error="Too long."
    )
    client.force_login(owner)
    content = client.get(url("panel", plan)).content.decode()
    assert "Try again" in content
    assert FRESH_EXPORT not in content


def several_exports(plan, owner, editor, question):
    """Five exports of every kind: out of date, current, a Word document made with some
    phases, failed, queued (newest last)."""
    finished_export(plan, user=editor)
    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    plan.refresh_from_db()
    finished_export(plan, user=owner)
    finished_export(
        plan,
        user=None,
        plan_status="",
        plan_changed_at=None,
        format=ReportExport.Format.DOCX,
        page_count=None,
        options=ExportOptions(
            phase_slugs=frozenset({"delivery", "marketing"}), include_unanswered=False
        ).as_json(),
    )
    ReportExport.objects.create(
        plan=plan, requested_by=editor, status=ReportExport.Status.FAILED, error="Too long."
    )
    ReportExport.objects.create(plan=plan, requested_by=owner)


def test_export_panel_queries_are_constant_with_several_exports(
    client, plan, owner, editor, question, django_assert_num_queries
):
    several_exports(plan, owner, editor, question)
    client.force_login(owner)
    # With the saved options, said under the buttons, and the phases' titles.
    with django_assert_num_queries(6):
        content = client.get(url("panel", plan)).content.decode()
    assert [row.split(" requested ")[0] for row in rows(content)] == [
        "Queued",
        "Failed",
        "Ready",
        "Ready",
        "Ready",
    ]
    assert content.count(CURRENT.format("Draft")) == 1
    assert content.count(OUT_OF_DATE) == 2


def test_export_list_queries_are_constant_with_several_exports(
    client, plan, owner, editor, question, django_assert_num_queries
):
    several_exports(plan, owner, editor, question)
    client.force_login(owner)
    # With the options form (the phases, the saved options) and the phases' titles, which
    # the Word document's options name.
    with django_assert_num_queries(8):
        content = client.get(url("list", plan)).content.decode()
    assert len(rows(content)) == 5
    assert rows(content)[2] == (
        f"Ready requested {ReportExport.objects.get(format='docx').requested_at:%-d %b %Y, %H:%M} "
        "Download Word of "
        f"{ReportExport.objects.get(format='docx').requested_at:%-d %b %Y, %H:%M} "
        "Included: Phases: Marketing, Delivery; without unanswered questions "
        f"{OUT_OF_DATE} Word document, 40.0 KB"
    )
    assert content.count(CURRENT.format("Draft")) == 1
    assert content.count(OUT_OF_DATE) == 2


def test_dashboard_queries_are_constant_with_several_exports(
    client, plan, owner, editor, question, django_assert_num_queries
):
    several_exports(plan, owner, editor, question)
    client.force_login(owner)
    # Rendered: readiness, the saved export options and the phases' titles included.
    with django_assert_num_queries(23):
        client.get(plan.get_absolute_url())
    with django_assert_num_queries(4):  # then from the cache
        content = client.get(plan.get_absolute_url()).content.decode()
    assert len(rows(content)) == 5
    assert content.count(CURRENT.format("Draft")) == 1
    assert content.count(OUT_OF_DATE) == 2
