"""Exports rendered by a real Celery worker consuming from the configured broker (Redis
in CI), reading and writing the test database."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from microcred import celery_app
from microcred.reports.models import ReportExport
from microcred.reports.services import request_export
from tests.factories import PHASE_TITLES
from tests.reports.conftest import export_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    if not settings.CELERY_BROKER_URL:
        if os.environ.get("CI"):
            pytest.fail("CELERY_BROKER_URL must be set in CI: the worker tests need a broker.")
        pytest.skip("No CELERY_BROKER_URL: set it (e.g. redis://127.0.0.1:6379/15) to run.")
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield


def wait_until_finished(export, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if not export.is_pending:
            return export
        time.sleep(0.2)
    pytest.fail(f"Export still {export.status} after {timeout} s")


def test_worker_renders_the_demo_plan(worker, demo_plan):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    export = request_export(plan=demo_plan, user=demo_plan.created_by)
    export = wait_until_finished(export)
    assert export.status == ReportExport.Status.DONE, export.error
    assert export.claimed_by  # a worker's task id, not an in-process call
    text = export_text(export)
    assert text.startswith("MICROCREDENTIAL PLAN Data Privacy Fundamentals")
    assert "Contents 1. Strategic Planning ...." in text
    for title in PHASE_TITLES:
        assert title in text
    assert "Not answered" in text
    assert "In our 2026 member survey, 61% of 1,840 respondents" in text
