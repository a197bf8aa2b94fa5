"""Chaos benchmark: figures printed, not asserted.

Runs the application as production does (DEBUG off, gunicorn with two workers, a Celery
worker and beat, sessions and cached pages in Redis) on a database of its own, with a
Redis server of its own and PostgreSQL reached through a proxy that can refuse. Under
50 writers autosaving, a stream of exports and invitations (e-mails), for five minutes,
it kills the Celery worker (SIGKILL) and restarts it, stops and starts Redis (which keeps
nothing on disk), and makes PostgreSQL refuse connections for 20 s, in a loop. Then it
waits for the exports' lease and counts: autosaves acknowledged and not stored, exports
not done, e-mails recorded and never sent, and what the clients were answered (500s).
Run it from the repository root:

    .venv/bin/python benchmarks/chaos.py [--minutes 5] [--writers 50]

The shared PostgreSQL on 127.0.0.1:5432 is used for the database `mc_chaos` only (dropped
and created again); nothing else of the machine's is stopped or changed.
"""

import argparse
import io
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from chaos_clients import AutosavingWriter, Browser, Requester, Tally
from chaos_report import print_report
from chaos_services import (
    REPO_ROOT,
    CeleryBeat,
    CeleryWorker,
    DatabaseProxy,
    Gunicorn,
    Redis,
)

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mc_chaos"
PASSWORD = "chaos-writer-2026"  # noqa: S105  (accounts of its own database)
WRITER_PHASE, WRITER_QUESTION = "strategic-planning", "business_case"
EXPORTERS = 3
WORKER_DOWN, REDIS_DOWN, DATABASE_DOWN, CALM = 5, 10, 20, 15  # seconds
DRAIN_TIMEOUT = 120  # seconds for the clients to get their last texts saved


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5, help="how long faults go on")
    parser.add_argument("--writers", type=int, default=50, help="autosaving clients")
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    return parser.parse_args()


def fresh_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port, user=parts.username, dbname="postgres"
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def app_environment(*, redis: Redis, proxy: DatabaseProxy, folder: Path) -> dict[str, str]:
    """The application's settings, as docker-compose sets them, but for the database
    reached through the proxy and e-mail written to files that can be counted."""
    database = urlsplit(DATABASE_URL)
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "microcred.settings",
        "PYTHONPATH": str(REPO_ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database.username}@127.0.0.1:{proxy.port}{database.path}",
        "CELERY_BROKER_URL": redis.url(0),
        "CACHE_URL": redis.url(1),
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail"),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }


def prepare_data(writers: int) -> dict:
    """The demo, and for each writer an account and a plan of their own; exporters are
    viewers of the demo plan, and its owner invites people."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from microcred.demo.services import demo_password
    from microcred.plans.models import PlanMembership
    from microcred.plans.services import create_plan

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    demo = PlanMembership.objects.get(role="owner", user__username="manager").plan
    password = make_password(PASSWORD)  # hashed once: the same for every account

    def account(username: str) -> User:
        return User.objects.create(username=username, password=password, first_name=username)

    writer_plans = [
        create_plan(title=f"Chaos plan {n}", organization="Chaos", user=account(f"writer{n}"))
        for n in range(1, writers + 1)
    ]
    exporters = [account(f"exporter{n}") for n in range(1, EXPORTERS + 1)]
    for user in exporters:
        PlanMembership.objects.create(plan=demo, user=user, role="viewer")
    return {
        "demo": demo,
        "writers": [(plan.created_by.username, plan.pk) for plan in writer_plans],
        "exporters": [user.username for user in exporters],
        "inviter": ("manager", demo_password("manager")),
    }


def sign_in(base_url: str, data: dict) -> tuple[list[AutosavingWriter], list[Requester]]:
    def browser(username: str, password: str = PASSWORD) -> Browser:
        signed_in = Browser(base_url)
        signed_in.log_in(username, password)
        return signed_in

    with ThreadPoolExecutor(4) as pool:
        writer_browsers = list(pool.map(lambda writer: browser(writer[0]), data["writers"]))
        exporter_browsers = list(pool.map(browser, data["exporters"]))
    writers = [
        AutosavingWriter(
            browser=signed_in, index=n, plan_id=plan_id, phase=WRITER_PHASE, key=WRITER_QUESTION
        )
        for n, (signed_in, (_username, plan_id)) in enumerate(
            zip(writer_browsers, data["writers"], strict=True), start=1
        )
    ]
    demo_id = data["demo"].pk
    requesters = [
        Requester(browser=b, what="export", path=f"/plans/{demo_id}/exports/new/", pause=(8, 16))
        for b in exporter_browsers
    ]
    requesters.append(
        Requester(
            browser=browser(*data["inviter"]),
            what="invitation",
            path=f"/plans/{demo_id}/members/",
            pause=(3, 6),
        )
    )
    return writers, requesters


class Faults:
    """The fault loop, and a record of what was done when."""

    def __init__(self, *, worker: CeleryWorker, redis: Redis, proxy: DatabaseProxy, beat):
        self.worker, self.redis, self.proxy, self.beat = worker, redis, proxy, beat
        self.done: list[tuple[float, str]] = []
        self.beat_restarts = 0
        self.last_mended = time.monotonic()

    def note(self, what: str) -> None:
        self.done.append((time.monotonic(), what))
        print(f"  {time.strftime('%H:%M:%S')} {what}", flush=True)

    def run(self, until: float) -> None:
        steps = [
            ("worker killed (SIGKILL)", self.worker.kill, WORKER_DOWN, self.worker.start),
            ("Redis stopped", self.redis.stop, REDIS_DOWN, self.redis.start),
            ("PostgreSQL refusing", self.proxy.refuse, DATABASE_DOWN, self.proxy.accept),
        ]
        while time.monotonic() < until:
            for what, breaks, down, mends in steps:
                if time.monotonic() >= until:
                    return
                breaks()
                self.note(what)
                time.sleep(down)
                mends()
                self.last_mended = time.monotonic()
                self.note(f"{what.split()[0]} back")
                self.keep_beat_running()
                time.sleep(min(CALM, max(0.0, until - time.monotonic())))

    def keep_beat_running(self) -> None:
        if not self.beat.running:
            self.beat_restarts += 1
            self.note("beat had exited; started again")
            self.beat.start()

    def counts(self) -> dict[str, int]:
        return {
            kind: sum(1 for _, what in self.done if what.startswith(kind))
            for kind in ("worker killed", "Redis stopped", "PostgreSQL refusing")
        }


def run_clients(people, *, minutes: float, faults: Faults) -> dict:
    """The clients for `minutes` under the fault loop, then until their last texts are
    saved (everything is up again by then)."""
    tally = Tally()
    typing, retrying = threading.Event(), threading.Event()
    typing.set()
    retrying.set()
    threads = [
        threading.Thread(
            target=person.run, kwargs={"tally": tally, "typing": typing, "retrying": retrying}
        )
        for person in people
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    faults.run(until=started + minutes * 60)
    faults_ended = faults.last_mended
    typing.clear()
    deadline = faults_ended + DRAIN_TIMEOUT
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    retrying.clear()
    for thread in threads:
        thread.join()
    return {"tally": tally, "started": started, "faults_ended": faults_ended}


def wait_for_queued_work(*, faults_ended: float, allowance: float) -> float | None:
    """Poll until every export is done or failed and every e-mail sent, at most
    `allowance` seconds after the faults ended; the seconds it took, or None."""
    from microcred.plans.models import PendingNotification
    from microcred.reports.models import ReportExport

    while True:
        waiting = ReportExport.objects.filter(status__in=["queued", "running"]).exists()
        unsent = PendingNotification.objects.filter(sent_at=None).exists()
        if not waiting and not unsent:
            return time.monotonic() - faults_ended
        if time.monotonic() - faults_ended > allowance:
            return None
        time.sleep(2)


def main() -> None:
    options = arguments()
    folder = Path(tempfile.mkdtemp(prefix="microcred-chaos-"))
    for name in ("media", "static", "mail", "logs"):
        (folder / name).mkdir()
    os.environ.update(DJANGO_SETTINGS_MODULE="microcred.settings", DATABASE_URL=DATABASE_URL)
    os.environ.update(DEBUG="true", LOG_LEVEL="WARNING", MEDIA_ROOT=str(folder / "media"))
    sys.path.insert(0, str(REPO_ROOT))
    services = []
    try:
        fresh_database(DATABASE_URL)
        import django

        django.setup()
        from django.conf import settings

        print(f"Preparing {options.writers} writers' plans in {DATABASE_URL} ...", flush=True)
        data = prepare_data(options.writers)
        logs = folder / "logs"
        redis = Redis(env=dict(os.environ), log_dir=logs)
        proxy = DatabaseProxy(
            target_port=urlsplit(DATABASE_URL).port, env=dict(os.environ), log_dir=logs
        )
        for service in (redis, proxy):
            services.append(service)
            service.start()
        env = app_environment(redis=redis, proxy=proxy, folder=folder)
        collect_static(env)
        gunicorn = Gunicorn(workers=2, env=env, log_dir=logs)
        worker = CeleryWorker(concurrency=2, env=env, log_dir=logs)
        beat = CeleryBeat(schedule=folder / "beat-schedule", env=env, log_dir=logs)
        for service in (gunicorn, worker, beat):
            services.append(service)
            service.start()
        writers, requesters = sign_in(gunicorn.base_url, data)
        print(f"Signed in; {options.minutes:g} minutes of faults:", flush=True)
        faults = Faults(worker=worker, redis=redis, proxy=proxy, beat=beat)
        run = run_clients([*writers, *requesters], minutes=options.minutes, faults=faults)
        allowance = settings.REPORT_RUNNING_LEASE + settings.PENDING_WORK_SWEEP_SECONDS
        print(
            f"Faults stopped; waiting up to {allowance} s for exports and e-mails ...", flush=True
        )
        settled = wait_for_queued_work(faults_ended=run["faults_ended"], allowance=allowance)
        print_report(
            options=options,
            run=run,
            settled=settled,
            allowance=allowance,
            writers=writers,
            requesters=requesters,
            faults=faults,
            mail_folder=folder / "mail",
            services=services,
        )
    finally:
        for service in reversed(services):
            service.stop()
        if options.keep:
            print(f"Logs kept in {folder / 'logs'}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def collect_static(env: dict[str, str]) -> None:
    import subprocess

    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
    )


if __name__ == "__main__":
    main()
