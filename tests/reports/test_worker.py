"""Exports rendered by a real Celery worker consuming from the configured broker (Redis
in CI), reading and writing the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from microcred import celery_app
from microcred.reports.models import ReportExport
from microcred.reports.services import request_export
from microcred.reports.tasks import requeue_stalled_exports
from tests.deploy.processes import database_url
from tests.factories import PHASE_TITLES
from tests.reports.conftest import export_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def require(condition, reason):
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} In CI the worker tests must run.")
        pytest.skip(reason)


def require_broker():
    require(
        settings.CELERY_BROKER_URL,
        "No CELERY_BROKER_URL: set it (e.g. redis://127.0.0.1:6379/15) to run.",
    )


@pytest.fixture
def worker():
    require_broker()
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
    export, _ = request_export(plan=demo_plan, user=demo_plan.created_by)
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


def test_worker_renders_the_demo_plan_as_word(worker, demo_plan):
    export, _ = request_export(plan=demo_plan, user=demo_plan.created_by, export_format="docx")
    export = wait_until_finished(export)
    assert export.status == ReportExport.Status.DONE, export.error
    assert export.claimed_by
    assert export.filename.endswith(".docx") and export.page_count is None
    text = export_text(export)
    assert text.startswith("Microcredential plan\nData Privacy Fundamentals\n")
    for number, title in enumerate(PHASE_TITLES, start=1):
        assert f"\n{number}. {title}\n" in text
    assert "\nNot answered\n" in text
    assert "In our 2026 member survey, 61% of 1,840 respondents" in text


def test_an_export_the_broker_refused_is_sent_by_the_periodic_task(worker, broker, demo_plan):
    broker.refuse()
    export, created = request_export(plan=demo_plan, user=demo_plan.created_by)
    assert created and export.awaiting_dispatch
    broker.configured()
    assert requeue_stalled_exports() == 1
    export = wait_until_finished(export)
    assert export.status == ReportExport.Status.DONE, export.error
    assert export.claimed_by


# A worker alone on its queue has no peers to synchronise with at start-up or to watch.
QUICK_START = ("--without-mingle", "--without-gossip", "--without-heartbeat")


class WorkerProcess:
    """`celery worker` in a process of its own, on the test database and broker."""

    def __init__(self, app, env, log):
        celery = Path(sys.executable).with_name("celery")
        self.log = log
        # The queue this test process sends to: one per xdist worker (see tests/conftest.py).
        queues = f"--queues={celery_app.conf.task_default_queue}"
        with log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603  (our own command line)
                [
                    celery,
                    "-A",
                    app,
                    "worker",
                    "--pool=solo",
                    "--loglevel=info",
                    queues,
                    *QUICK_START,
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so that kill -9 takes all
            )

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=60)

    def check_alive(self):
        if self.process.poll() is not None:
            pytest.fail(f"The worker exited ({self.process.returncode}):\n{self.log.read_text()}")


@pytest.fixture
def worker_processes(media_root, tmp_path):
    """Starts workers in processes of their own, reaching the test database (PostgreSQL:
    an in-memory SQLite database cannot be shared) and this run's broker."""
    require_broker()
    db = connection.settings_dict
    require(
        connection.vendor == "postgresql",
        "Workers in other processes need a PostgreSQL test database: set DATABASE_URL.",
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url(db, name=db["NAME"]),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(media_root),
    }
    celery_app.control.purge()
    started = []

    def start(app="microcred", **extra_env):
        started.append(WorkerProcess(app, {**env, **extra_env}, tmp_path / "workers.log"))
        return started[-1]

    yield start
    for process in started:
        process.kill(signal.SIGTERM)


def test_an_export_whose_worker_was_killed_is_requeued_and_finished(
    worker_processes, demo_plan, settings
):
    slow = worker_processes("tests.reports.slow_worker", SLOW_RENDER_SECONDS="120")
    export, _ = request_export(plan=demo_plan, user=demo_plan.created_by)
    deadline = time.monotonic() + 60
    while export.status != ReportExport.Status.RUNNING:
        slow.check_alive()
        assert time.monotonic() < deadline, "The slow worker never started rendering."
        time.sleep(0.2)
        export.refresh_from_db()

    slow.kill()  # kill -9, mid-render
    export.refresh_from_db()
    assert (export.status, export.attempts) == (ReportExport.Status.RUNNING, 1)
    settings.REPORT_RUNNING_LEASE = 1
    time.sleep(1.5)
    assert requeue_stalled_exports() == 1
    export.refresh_from_db()
    assert (export.status, export.claimed_by) == (ReportExport.Status.QUEUED, "")

    worker_processes()
    export = wait_until_finished(export)
    assert (export.status, export.attempts) == (ReportExport.Status.DONE, 2), export.error
    assert export_text(export).startswith("MICROCREDENTIAL PLAN Data Privacy Fundamentals")
