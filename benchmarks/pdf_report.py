"""PDF plan report benchmark: figures printed, not asserted.

Renders the demo plan and a plan ten times its size through a real Celery worker
(prefork pool, Redis broker, PostgreSQL), and compares that with WeasyPrint alone on
the same HTML; then measures the throughput of 20 exports with one and two worker
processes. Run it from the repository root:

    .venv/bin/python benchmarks/pdf_report.py

DATABASE_URL and CELERY_BROKER_URL default to a database and a Redis database of the
benchmark's own (created if missing). The broker's queue is purged before each
measurement, and the benchmark's plans (the demo plan and a 10x plan on template
version 901) may be deleted and recreated: do not point it at data you care about.
"""

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/microcred_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/14"

RUNS = 5  # medians of this many runs
THROUGHPUT_EXPORTS = 20
SCALE = 10
SCALED_VERSION_NUMBER = 901
SCALED_VERSION_NAME = f"Benchmark: the default template with each phase's questions x{SCALE}"
SCALED_PLAN_TITLE = f"Data Privacy Fundamentals (x{SCALE} benchmark)"
TARGET_RATIO = 1.2  # through the task / WeasyPrint alone, at most
TARGET_SPEEDUP = 1.8  # two worker processes / one, at least
WORKER_READY_TIMEOUT = 30  # seconds
EXPORT_TIMEOUT = 300  # seconds, for one batch of exports to be done
POLL_INTERVAL = 0.01  # seconds


def configure_environment(media_root: str) -> None:
    """Before django.setup(): the settings read all of this from the environment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    os.environ.setdefault("DEBUG", "true")  # no SECRET_KEY or ALLOWED_HOSTS needed
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["MEDIA_ROOT"] = media_root
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "psql"):
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {url!r}.")
    name = unquote(parts.path.lstrip("/"))
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password) if parts.password else None,
        dbname="postgres",
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created database {name}.")
    finally:
        connection.close()


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


# --- data -----------------------------------------------------------------------------


def scaled_document(default_document: dict) -> dict:
    """The default template with each phase's questions repeated SCALE times (keys
    suffixed _x1 .. _x10). Only the last copy of a phase's reflection question stays
    the reflection, so that the report shows every copy."""

    def copies(items, copy):
        result = []
        for item in items:
            scaled = dict(item, key=f"{item['key']}_x{copy}")
            scaled["children"] = copies(item.get("children", []), copy)
            if copy != SCALE:
                scaled["reflection"] = False
            result.append(scaled)
        return result

    phases = [
        dict(
            phase,
            questions=[q for copy in range(1, SCALE + 1) for q in copies(phase["questions"], copy)],
        )
        for phase in default_document["phases"]
    ]
    return {"number": SCALED_VERSION_NUMBER, "name": SCALED_VERSION_NAME, "phases": phases}


def prepare_plans():
    """The demo plan and a plan SCALE times its size, answered with the demo's answers.
    The scaled plan is reused when complete, otherwise deleted and created again."""
    import yaml
    from django.db import transaction

    from microcred.plans.models import Plan, PlanMembership
    from microcred.plans.services import DEMO_PLAN_FILE, load_demo_data
    from microcred.questionnaires.defaults import default_template_document
    from microcred.questionnaires.models import Answer, TemplateVersion
    from microcred.questionnaires.services import (
        create_template_version,
        load_default_template,
        save_answer,
    )
    from microcred.reports.models import ReportExport

    load_default_template()
    demo = load_demo_data()
    owner = demo.created_by
    demo_questions = demo.template_version.questions.count()
    demo_answered = demo.answers.exclude(value=None).count()

    version = TemplateVersion.objects.filter(number=SCALED_VERSION_NUMBER).first()
    scaled = Plan.objects.filter(template_version=version, title=SCALED_PLAN_TITLE).first()
    complete = (
        scaled is not None
        and version.questions.count() == SCALE * demo_questions
        and scaled.answers.exclude(value=None).count() == SCALE * demo_answered
    )
    if not complete:
        with transaction.atomic():
            if version is not None:
                plans = Plan.objects.filter(template_version=version)
                Answer.history.filter(plan_id__in=plans.values("pk")).delete()
                plans.delete()
                version.delete()
            version = create_template_version(
                document=scaled_document(default_template_document()),
                status=TemplateVersion.Status.DRAFT,  # never offered to new plans
            )
            document = yaml.safe_load(DEMO_PLAN_FILE.read_text(encoding="utf-8"))
            scaled = Plan.objects.create(
                title=SCALED_PLAN_TITLE,
                slug="data-privacy-fundamentals-x10-benchmark",
                organization=demo.organization,
                summary=demo.summary,
                template_version=version,
                created_by=owner,
            )
            for membership in demo.memberships.all():
                PlanMembership.objects.create(
                    plan=scaled, user=membership.user, role=membership.role
                )
            questions = {q.key: q for q in version.questions.all()}
            for copy in range(1, SCALE + 1):
                for key, value in document["answers"].items():
                    save_answer(
                        plan=scaled,
                        question=questions[f"{key}_x{copy}"],
                        raw_value=value,
                        base_revision=0,
                        user=owner,
                    )
    # Earlier runs' exports point at files in a media folder that is gone.
    ReportExport.objects.filter(plan__in=[demo, scaled]).delete()
    return owner, [
        {
            "label": f"demo ({demo_questions} q)",
            "plan": demo,
            "questions": demo_questions,
            "answered": demo_answered,
        },
        {
            "label": f"{SCALE}x ({version.questions.count()} q)",
            "plan": scaled,
            "questions": version.questions.count(),
            "answered": scaled.answers.exclude(value=None).count(),
        },
    ]


# --- worker ---------------------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]
    except OSError:
        pass
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": comm may contain spaces, so split after ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Worker:
    """A `celery worker` subprocess with the prefork pool and `concurrency` processes."""

    def __init__(self, name: str, concurrency: int, log_path: Path):
        self.name = name
        self.nodename = f"{name}@{socket.gethostname()}"
        self.concurrency = concurrency
        self.log_path = log_path
        self.process = None
        self.children = []

    def start(self) -> None:
        from microcred import celery_app

        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "microcred",
            "worker",
            "--pool=prefork",
            f"--concurrency={self.concurrency}",
            "--loglevel=warning",
            "-n",
            f"{self.name}@%h",
        ]
        with open(self.log_path, "ab") as log:
            # A fixed command line: nothing in it comes from outside this script.
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited at start-up:\n{self.log_tail()}")
            if celery_app.control.ping(destination=[self.nodename], timeout=1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"The worker did not answer a ping within {WORKER_READY_TIMEOUT} s:\n"
                    f"{self.log_tail()}"
                )
        while len(child_pids(self.process.pid)) < self.concurrency:
            if time.monotonic() > deadline:
                raise RuntimeError("The worker's pool processes did not start.")
            time.sleep(0.1)
        self.children = child_pids(self.process.pid)
        others = [
            node
            for reply in celery_app.control.ping(timeout=1)
            for node in reply
            if node != self.nodename
        ]
        if others:
            print(f"Warning: other workers share the broker and may take tasks: {others}")

    def reset_peak_memory(self) -> None:
        """Reset VmHWM of the pool processes to their current RSS (Linux clear_refs 5)."""
        for pid in child_pids(self.process.pid):
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")

    def peak_memory_kb(self) -> int | None:
        peaks = [status_kb(pid, "VmHWM") for pid in child_pids(self.process.pid)]
        peaks = [peak for peak in peaks if peak is not None]
        return max(peaks) if peaks else None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no worker log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.children = child_pids(self.process.pid) or self.children
        self.process.send_signal(signal.SIGTERM)  # warm shutdown: ends its pool processes
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in [*self.children, self.process.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- measurements ---------------------------------------------------------------------


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def wait_until_finished(export_ids: list[int]):
    """Poll until every export is done or failed; the exports, and when that was seen."""
    from microcred.reports.models import ReportExport

    finished = [ReportExport.Status.DONE, ReportExport.Status.FAILED]
    deadline = time.monotonic() + EXPORT_TIMEOUT
    pending = ReportExport.objects.filter(pk__in=export_ids).exclude(status__in=finished)
    while pending.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"Exports not finished after {EXPORT_TIMEOUT} s: {export_ids}")
        time.sleep(POLL_INTERVAL)
    seen = time.perf_counter()
    exports = list(ReportExport.objects.filter(pk__in=export_ids).order_by("pk"))
    failed = [e for e in exports if e.status != ReportExport.Status.DONE]
    if failed:
        raise RuntimeError(f"Export {failed[0].pk} failed: {failed[0].error}")
    return exports, seen


def export_batch(plan, user, count: int):
    """Request `count` exports at once; (seconds from the first request to the last
    seen done, the exports)."""
    from microcred.reports.services import request_export

    start = time.perf_counter()
    ids = [request_export(plan=plan, user=user).pk for _ in range(count)]
    exports, seen = wait_until_finished(ids)
    return seen - start, exports


def measure_in_process(case: dict) -> None:
    """HTML building and WeasyPrint alone, in this process (warmed up beforehand)."""
    from microcred.reports.pdf import html_to_pdf
    from microcred.reports.services import render_plan_html

    html_times = []
    for _ in range(RUNS):
        seconds, html = timed(render_plan_html, plan=case["plan"])
        html_times.append(seconds)
    pdf_times = []
    for _ in range(RUNS):
        seconds, pdf = timed(html_to_pdf, html)
        pdf_times.append(seconds)
    case.update(
        html_seconds=statistics.median(html_times),
        html_kb=len(html.encode()) / 1024,
        weasyprint_seconds=statistics.median(pdf_times),
        raw_pages=pdf.page_count,
        raw_size=len(pdf.content),
    )


def measure_through_worker(case: dict, worker: Worker, user) -> None:
    """RUNS exports one after the other through the (warm, idle) worker."""
    from microcred import celery_app

    celery_app.control.purge()
    worker.reset_peak_memory()
    walls, db_totals, pickups, in_task, after = [], [], [], [], []
    export = None
    for _ in range(RUNS):
        wall, (export,) = export_batch(case["plan"], user, 1)
        db_total = (export.finished_at - export.requested_at).total_seconds()
        walls.append(wall)
        db_totals.append(db_total)
        pickups.append((export.started_at - export.requested_at).total_seconds())
        in_task.append((export.finished_at - export.started_at).total_seconds())
        after.append(wall - db_total)
    case.update(
        wall_seconds=statistics.median(walls),
        task_seconds=statistics.median(db_totals),
        pickup_seconds=statistics.median(pickups),
        in_task_seconds=statistics.median(in_task),
        after_seconds=statistics.median(after),
        pages=export.page_count,
        size=export.size_bytes,
        peak_kb=worker.peak_memory_kb(),
    )


def measure_throughput(worker: Worker, plan, user) -> dict:
    from microcred import celery_app

    celery_app.control.purge()
    # Warm every pool process (first-render costs: fonts, templates, connections).
    warm_seconds, _ = export_batch(plan, user, 2 * worker.concurrency)
    celery_app.control.purge()
    wall, exports = export_batch(plan, user, THROUGHPUT_EXPORTS)
    span = max(e.finished_at for e in exports) - min(e.requested_at for e in exports)
    return {
        "per_second": THROUGHPUT_EXPORTS / wall,
        "db_per_second": THROUGHPUT_EXPORTS / span.total_seconds(),
        "seconds": wall,
        "claimants": len({e.claimed_by for e in exports}),
        "warm_seconds": warm_seconds,
    }


# --- report ---------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_report(cases, first_export_seconds, one, two) -> None:
    header = (
        f"{'plan':<16} {'pages':>5} {'size':>8}  {'weasyprint':>10} {'task(db)':>9} "
        f"{'wall':>7} {'ratio':>6} {'target<=1.2x':>12} {'wall ratio':>10} "
        f"{'worker peak RSS':>15}"
    )
    print()
    print(f"PDF report benchmark (PostgreSQL, Redis, Celery prefork), {os.cpu_count()} cores")
    print(
        f"median of {RUNS} runs each; WeasyPrint alone = html_to_pdf() in this process after "
        "a warm-up; task(db) = requested_at -> finished_at; wall = request_export() -> "
        "status seen done"
    )
    print(header)
    for case in cases:
        ratio = case["task_seconds"] / case["weasyprint_seconds"]
        wall_ratio = case["wall_seconds"] / case["weasyprint_seconds"]
        peak = f"{case['peak_kb'] / 1024:.0f} MB" if case["peak_kb"] else "n/a"
        print(
            f"{case['label']:<16} {case['pages']:>5} {case['size'] / 1024:>5.0f} kB  "
            f"{case['weasyprint_seconds']:>8.2f} s {case['task_seconds']:>7.2f} s "
            f"{case['wall_seconds']:>5.2f} s {ratio:>5.2f}x {verdict(ratio <= TARGET_RATIO):>12} "
            f"{wall_ratio:>9.2f}x {peak:>15}"
        )
    speedup = two["per_second"] / one["per_second"]
    print(
        f"throughput, {THROUGHPUT_EXPORTS} exports of the demo plan: "
        f"1 worker {one['per_second']:.2f}/s, 2 workers {two['per_second']:.2f}/s, "
        f"speed-up {speedup:.2f}x (target >= {TARGET_SPEEDUP}x: "
        f"{verdict(speedup >= TARGET_SPEEDUP)})"
    )
    print()
    print("details")
    for case in cases:
        outside = case["in_task_seconds"] - case["weasyprint_seconds"]
        print(
            f"  {case['label']}: {case['answered']} of {case['questions']} answered, "
            f"HTML {case['html_kb']:.0f} kB; queue pickup (requested -> started) "
            f"{case['pickup_seconds'] * 1000:.0f} ms; in task (started -> finished) "
            f"{case['in_task_seconds']:.2f} s, of which HTML building ~"
            f"{case['html_seconds'] * 1000:.0f} ms (in-process median) and "
            f"{outside * 1000:+.0f} ms beyond WeasyPrint alone; after finished_at "
            f"(file saved, final UPDATE, poll) {case['after_seconds'] * 1000:.0f} ms; "
            f"in-process PDF {case['raw_pages']} pages, {case['raw_size'] / 1024:.0f} kB"
        )
    print(
        f"  first export on a fresh 1-process worker (not counted): "
        f"{first_export_seconds:.2f} s wall"
    )
    for label, run in (("1 worker", one), ("2 workers", two)):
        print(
            f"  {label}: {THROUGHPUT_EXPORTS} exports in {run['seconds']:.2f} s wall "
            f"({run['db_per_second']:.2f}/s from first requested_at to last finished_at), "
            f"{run['claimants']} task ids; warm-up batch {run['warm_seconds']:.2f} s"
        )
    scaled = cases[1]
    print(
        f"  {SCALE}x plan: template version {SCALED_VERSION_NUMBER} (draft) with each phase's "
        f"questions repeated {SCALE} times, keys suffixed _x1.._x{SCALE}, answered with the "
        f"demo's answers ({scaled['questions']} questions, {scaled['answered']} answered)"
    )


def main() -> None:
    media_root = tempfile.mkdtemp(prefix="microcred-bench-media-")
    configure_environment(media_root)
    workers = []
    try:
        ensure_database(os.environ["DATABASE_URL"])
        print(
            f"database {redacted(os.environ['DATABASE_URL'])}, broker "
            f"{redacted(os.environ['CELERY_BROKER_URL'])}, media {media_root}"
        )

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise SystemExit("Tasks would run in-process: CELERY_BROKER_URL is not set.")
        call_command("migrate", interactive=False, verbosity=0)
        seconds, (user, cases) = timed(prepare_plans)
        print(f"plans ready in {seconds:.1f} s; measuring WeasyPrint alone...", flush=True)

        from microcred.reports.pdf import html_to_pdf
        from microcred.reports.services import render_plan_html

        # One warm-up per process, on each plan's HTML (fonts, CSS parsing, caches).
        for case in cases:
            html_to_pdf(render_plan_html(plan=case["plan"]))
        for case in cases:
            measure_in_process(case)

        log_path = Path(media_root) / "worker.log"
        print("starting a worker with 1 process...", flush=True)
        worker = Worker("bench1", 1, log_path)
        workers.append(worker)
        worker.start()
        from microcred import celery_app

        celery_app.control.purge()
        first_export_seconds, _ = export_batch(cases[0]["plan"], user, 1)
        for case in cases:
            print(f"exports of {case['label']} through the worker...", flush=True)
            measure_through_worker(case, worker, user)
        print(f"throughput of {THROUGHPUT_EXPORTS} exports, 1 process...", flush=True)
        one = measure_throughput(worker, cases[0]["plan"], user)
        worker.stop()

        print("starting a worker with 2 processes...", flush=True)
        worker = Worker("bench2", 2, log_path)
        workers.append(worker)
        worker.start()
        print(f"throughput of {THROUGHPUT_EXPORTS} exports, 2 processes...", flush=True)
        two = measure_throughput(worker, cases[0]["plan"], user)
        worker.stop()

        print_report(cases, first_export_seconds, one, two)
    except BaseException:
        for worker in workers:
            if worker.process is not None:
                print(f"--- last lines of the worker log ---\n{worker.log_tail()}", file=sys.stderr)
                break
        raise
    finally:
        for worker in workers:
            worker.stop()
        shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
