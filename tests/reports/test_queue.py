"""How exports reach the workers and survive faults: one in flight per person and plan,
a broker that refuses them, a worker that dies, two renders racing for one export, and a
PDF too large to keep."""

import re
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from microcred import celery_app
from microcred.reports import rendering, services
from microcred.reports.models import ReportExport
from microcred.reports.rendering import claim_export, render_export, running_lease
from microcred.reports.selectors import SERVICE_BUSY
from microcred.reports.services import request_export
from microcred.reports.tasks import RENDER_TIME_LIMIT, render_plan_report, requeue_stalled_exports

pytestmark = pytest.mark.django_db

QUEUED, RUNNING, DONE, FAILED = (
    ReportExport.Status.QUEUED,
    ReportExport.Status.RUNNING,
    ReportExport.Status.DONE,
    ReportExport.Status.FAILED,
)


@pytest.fixture
def in_process(monkeypatch):
    """Tasks run in-process (the embedded default), whatever this test run's broker."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def create_url(plan):
    return reverse("reports:create", kwargs={"plan_id": plan.pk})


def pdf_files(media_root):
    return list((media_root / "reports").rglob("*.pdf"))


# One export in flight per person and plan


def test_asking_again_returns_the_export_in_flight(plan, owner, viewer):
    first, created = request_export(plan=plan, user=owner)
    again, created_again = request_export(plan=plan, user=owner)
    theirs, created_theirs = request_export(plan=plan, user=viewer)
    assert (created, created_again, created_theirs) == (True, False, True)
    assert again == first
    assert theirs != first
    ReportExport.objects.filter(pk=first.pk).update(status=FAILED)
    retried, created = request_export(plan=plan, user=owner)
    assert created and retried != first


def test_the_database_refuses_a_second_export_in_flight(plan, owner):
    ReportExport.objects.create(plan=plan, requested_by=owner, status=RUNNING)
    ReportExport.objects.create(plan=plan, requested_by=owner, status=DONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportExport.objects.create(plan=plan, requested_by=owner)


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_yield_one_export(plan, owner, monkeypatch):
    # The other request inserts its export and holds its transaction open a moment: this
    # one cannot see that export yet, so it is the constraint (PostgreSQL) or the write
    # lock (SQLite) that makes it return the other's export instead of a second one.
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes its write lock at BEGIN: two requests never overlap.")
    monkeypatch.setattr(services, "dispatch_export", lambda **kwargs: False)
    inserted, other = threading.Event(), {}

    def other_request():
        try:
            with transaction.atomic():
                other["export"] = ReportExport.objects.create(plan=plan, requested_by=owner)
                inserted.set()
                threading.Event().wait(0.5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_request)
    thread.start()
    assert inserted.wait(10)
    export, created = request_export(plan=plan, user=owner)
    thread.join()
    assert (export, created) == (other["export"], False)
    assert ReportExport.objects.count() == 1


def test_asking_twice_says_the_pdf_is_already_being_prepared(client, plan, owner):
    request_export(plan=plan, user=owner)
    client.force_login(owner)
    content = client.post(create_url(plan), headers={"HX-Request": "true"}).content.decode()
    assert "Your PDF is already being prepared." in content
    response = client.post(create_url(plan), follow=True)
    assert "Your PDF is already being prepared." in response.content.decode()
    assert ReportExport.objects.count() == 1


# A broker that refuses the export


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_export_waits_and_the_page_says_so(client, plan, owner, broker):
    broker.refuse()
    client.force_login(owner)
    response = client.post(create_url(plan), headers={"HX-Request": "true"})
    assert response.status_code == 200
    export = ReportExport.objects.get()
    assert (export.status, export.dispatched_at) == (QUEUED, None)
    content = response.content.decode()
    assert "The report service is busy; your export will start shortly." in content
    assert 'hx-trigger="every 2s"' in content
    dashboard = client.post(create_url(plan), follow=True).content.decode()
    assert "Your PDF is already being prepared." in dashboard
    assert SERVICE_BUSY in dashboard
    listing = client.get(reverse("reports:list", kwargs={"plan_id": plan.pk})).content.decode()
    assert SERVICE_BUSY in listing

    # Still down: the periodic resend tries, and the export keeps waiting.
    assert requeue_stalled_exports() == 0
    export.refresh_from_db()
    assert (export.status, export.dispatched_at) == (QUEUED, None)

    broker.in_process()
    assert requeue_stalled_exports() == 1
    export.refresh_from_db()
    assert export.status == DONE, export.error
    assert export.dispatched_at is not None
    assert SERVICE_BUSY not in client.get(plan.get_absolute_url()).content.decode()
    assert requeue_stalled_exports() == 0


@pytest.mark.django_db(transaction=True)
def test_without_htmx_a_dispatched_export_is_announced(client, plan, owner, in_process):
    client.force_login(owner)
    response = client.post(create_url(plan), follow=True)
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    content = response.content.decode()
    assert "The PDF is being prepared; it will appear in the list below." in content
    assert SERVICE_BUSY not in content


def test_exports_handed_over_recently_are_not_sent_again(plan, owner, viewer, in_process):
    now = timezone.now()
    recent = ReportExport.objects.create(plan=plan, requested_by=owner, dispatched_at=now)
    lost = ReportExport.objects.create(
        plan=plan,
        requested_by=viewer,
        dispatched_at=now - timedelta(seconds=settings.REPORT_RESEND_AFTER + 1),
    )
    assert requeue_stalled_exports() == 1
    recent.refresh_from_db()
    lost.refresh_from_db()
    assert (recent.status, lost.status) == (QUEUED, DONE)


def test_an_export_the_broker_lost_is_handed_over_again_within_its_lease(plan, owner, in_process):
    # A broker restarted without persistence lost its queue: the export is still queued,
    # handed over two and a half minutes ago, and no worker ever took it. Found by the chaos
    # benchmark, where such exports waited ten minutes, past the lease of a running one.
    lost = ReportExport.objects.create(
        plan=plan, requested_by=owner, dispatched_at=timezone.now() - timedelta(seconds=150)
    )
    assert requeue_stalled_exports() == 1
    lost.refresh_from_db()
    assert lost.status == DONE
    assert settings.REPORT_RESEND_AFTER + settings.PENDING_WORK_SWEEP_SECONDS < (
        settings.REPORT_RUNNING_LEASE
    )


def test_an_export_is_handed_over_once_by_two_sweeps(plan, owner, in_process, monkeypatch):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    sent = []
    monkeypatch.setattr(render_plan_report, "delay", lambda export_id: sent.append(export_id))
    # Both sweeps saw it never handed over; the second one's conditional update finds
    # it handed over by the first.
    assert services.dispatch_export(export_id=export.pk, previous=None)
    assert not services.dispatch_export(export_id=export.pk, previous=None)
    assert sent == [export.pk]


# A worker that dies mid-render


def abandon(export, *, attempts):
    ReportExport.objects.filter(pk=export.pk).update(
        status=RUNNING,
        started_at=timezone.now() - running_lease() - timedelta(seconds=1),
        claimed_by="dead-task",
        attempts=attempts,
        dispatched_at=timezone.now() - running_lease(),
    )


def test_an_export_whose_worker_died_is_requeued_and_rendered(plan, owner, in_process):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    abandon(export, attempts=1)
    assert requeue_stalled_exports() == 1
    export.refresh_from_db()
    assert (export.status, export.attempts) == (DONE, 2), export.error
    assert export.claimed_by not in ("", "dead-task")


def test_an_export_whose_worker_died_too_often_fails_with_a_reason(plan, owner, in_process):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    abandon(export, attempts=settings.REPORT_MAX_ATTEMPTS)
    assert requeue_stalled_exports() == 0
    export.refresh_from_db()
    assert export.status == FAILED
    assert export.error == (
        "The PDF could not be produced: its rendering was started 3 times and each time the "
        "worker stopped before finishing (it may have run out of memory). Please tell your "
        "administrator."
    )


def test_a_render_within_its_lease_is_left_alone(plan, owner, in_process):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    claim_export(export.pk, claimant="live-task")
    assert requeue_stalled_exports() == 0
    export.refresh_from_db()
    assert (export.status, export.claimed_by) == (RUNNING, "live-task")


def test_timeouts_fit_the_render_time_limit():
    # A lease shorter than a render would hand live renders to a second worker; a
    # visibility timeout shorter than a render or a retry countdown would deliver a live
    # task twice; a longer one delays the redelivery after a worker died.
    from microcred.plans.tasks import send_plan_notification

    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert RENDER_TIME_LIMIT < settings.REPORT_RUNNING_LEASE < visibility_timeout <= 600
    assert render_plan_report.time_limit == RENDER_TIME_LIMIT
    assert render_plan_report.retry_backoff_max < visibility_timeout
    assert send_plan_notification.retry_backoff_max < visibility_timeout
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks


# Two renders racing for one export


def test_of_two_renders_racing_for_one_export_the_last_claimant_wins(
    plan, owner, media_root, monkeypatch
):
    """Render A claims the export and takes longer than its lease; render B takes it over.
    A finishes first: its file must not be kept, since B, now the export's renderer,
    could otherwise overwrite or fail the export that A marked done."""
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    real_html_to_pdf = rendering.html_to_pdf

    def html_to_pdf_outliving_its_lease(html, **kwargs):
        ReportExport.objects.filter(pk=export.pk).update(
            started_at=timezone.now() - running_lease() - timedelta(seconds=1)
        )
        claim_export(export.pk, claimant="task-b")
        return real_html_to_pdf(html, **kwargs)

    monkeypatch.setattr(rendering, "html_to_pdf", html_to_pdf_outliving_its_lease)
    after_a = render_export(export_id=export.pk, claimant="task-a")
    assert (after_a.status, after_a.claimed_by, after_a.attempts) == (RUNNING, "task-b", 2)
    assert not after_a.file
    assert pdf_files(media_root) == []

    monkeypatch.setattr(rendering, "html_to_pdf", real_html_to_pdf)
    after_b = render_export(export_id=export.pk, claimant="task-b")
    assert (after_b.status, after_b.claimed_by) == (DONE, "task-b")
    assert pdf_files(media_root) == [media_root / after_b.file.name]


# Too large to keep


def test_a_pdf_over_the_page_limit_fails_with_what_to_do(plan, owner, media_root, settings):
    settings.REPORT_MAX_PAGES = 1
    export = render_export(export_id=ReportExport.objects.create(plan=plan, requested_by=owner).pk)
    assert export.status == FAILED
    pages = re.fullmatch(
        r"The PDF would have (\d+) pages, over the limit of 1\. Shorten the longest answers "
        r"or ask your administrator to raise REPORT_MAX_PAGES\.",
        export.error,
    )
    assert pages and int(pages.group(1)) > 1
    assert pdf_files(media_root) == []


def test_a_pdf_over_the_size_limit_fails_with_what_to_do(plan, owner, media_root, settings):
    settings.REPORT_MAX_BYTES = 10_000
    export = render_export(export_id=ReportExport.objects.create(plan=plan, requested_by=owner).pk)
    assert export.status == FAILED
    assert re.fullmatch(
        r"The PDF would be \d+ KB, over the limit of 10 KB\. Shorten the longest answers or "
        r"ask your administrator to raise REPORT_MAX_BYTES\.",
        export.error,
    ), export.error
    assert pdf_files(media_root) == []


def test_size_limits_read_in_thousands():
    from microcred.reports.pdf import RenderedPdf

    refusal = rendering.size_refusal(RenderedPdf(content=b"x", page_count=1_240))
    assert refusal == (
        "The PDF would have 1,240 pages, over the limit of 1,000. Shorten the longest answers "
        "or ask your administrator to raise REPORT_MAX_PAGES."
    )
    big = RenderedPdf(content=b"x" * (62 * 2**20), page_count=3)
    assert rendering.size_refusal(big).startswith(
        "The PDF would be 62 MB, over the limit of 50 MB."
    )
