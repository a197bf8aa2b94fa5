import pytest
from django.urls import reverse

from microcred import celery_app
from microcred.reports.models import ReportExport
from microcred.reports.services import render_export

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
    with django_assert_num_queries(5):
        response = client.get(url("list", plan))
    assert response.content.decode().count('class="export-row') == 8


def test_print_preview_shows_the_report_with_a_way_back(client, plan, viewer, owner):
    business_case = plan.template_version.questions.get(key="business_case")
    from microcred.questionnaires.services import save_answer

    save_answer(
        plan=plan, question=business_case, raw_value="<b>Bold?</b>", base_revision=0, user=owner
    )
    client.force_login(viewer)
    content = client.get(url("preview", plan)).content.decode()
    assert "← Back to the plan" in content
    assert "&lt;b&gt;Bold?&lt;/b&gt;" in content
    assert "<b>Bold?</b>" not in content
