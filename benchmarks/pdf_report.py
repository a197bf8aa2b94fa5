"""PDF and Word plan report benchmark: figures printed, not asserted.

Renders the demo plan and a plan ten times its size through a real Celery worker
(prefork pool, Redis broker, PostgreSQL), and compares that with WeasyPrint alone on
the same HTML; does the same for the Word document (python-docx alone against the
export through the worker); then measures the throughput of 20 PDF exports with one and
two worker processes (skipped with --skip-throughput). Run it from the repository root:

    .venv/bin/python benchmarks/pdf_report.py [--skip-throughput]

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
# Seconds: a worker loads pandas, matplotlib and WeasyPrint slowly on a busy machine.
WORKER_READY_TIMEOUT = 120
EXPORT_TIMEOUT = 300  # seconds, for one batch of exports to be done
# Other processes using more CPU than this (in cores) during a measurement make it unreliable.
BUSY_MACHINE_CORES = 0.25
POLL_INTERVAL = 0.01  # seconds, waiting for one export
BATCH_POLL_INTERVAL = 0.05  # seconds, waiting for a batch: less load on the 2 cores


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
            if item.get("show_if"):
                # Each copy depends on the same copy of the question it follows.
                condition = item["show_if"]
                scaled["show_if"] = dict(condition, question=f"{condition['question']}_x{copy}")
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

    from microcred.demo.services import DEMO_PLAN_FILE, load_demo_data
    from microcred.plans.answers import save_answer
    from microcred.plans.models import Answer, Plan, PlanMembership
    from microcred.questionnaires.defaults import default_template_document
    from microcred.questionnaires.models import TemplateVersion
    from microcred.questionnaires.services import create_template_version, load_default_template
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


# --- machine load ---------------------------------------------------------------------


def busy_jiffies() -> int:
    """CPU time the whole machine spent busy (all cores), from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq + steal


def process_jiffies(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


class CpuMeter:
    """How many cores the machine spent on anything but this script and its worker
    while measuring: a noise indicator (PostgreSQL and Redis are counted as others)."""

    def __init__(self, worker: "Worker | None" = None):
        self.pids = [os.getpid()]
        if worker is not None:
            self.pids += [worker.process.pid, *child_pids(worker.process.pid)]
        self.other_cores = 0.0

    def _ours(self) -> int:
        return sum(process_jiffies(pid) for pid in self.pids)

    def __enter__(self):
        self.start = (time.monotonic(), busy_jiffies(), self._ours())
        return self

    def __exit__(self, *exc_info):
        started, busy, ours = self.start
        elapsed = time.monotonic() - started
        others = (busy_jiffies() - busy) - (self._ours() - ours)
        self.other_cores = max(others, 0) / os.sysconf("SC_CLK_TCK") / max(elapsed, 1e-9)
        return False


def wait_for_quiet_machine(worker: "Worker | None" = None, max_wait: float = 5) -> float:
    """Wait (at most `max_wait` seconds) until other processes leave the CPU nearly idle
    for half a second; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < max_wait:
        with CpuMeter(worker) as meter:
            time.sleep(0.5)
        if meter.other_cores <= BUSY_MACHINE_CORES / 2:
            break
    return time.monotonic() - started


# --- measurements ---------------------------------------------------------------------


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def wait_until_finished(export_ids: list[int], poll_interval: float):
    """Poll until every export is done or failed; the exports, and when that was seen."""
    from microcred.reports.models import ReportExport

    finished = [ReportExport.Status.DONE, ReportExport.Status.FAILED]
    deadline = time.monotonic() + EXPORT_TIMEOUT
    pending = ReportExport.objects.filter(pk__in=export_ids).exclude(status__in=finished)
    while pending.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"Exports not finished after {EXPORT_TIMEOUT} s: {export_ids}")
        time.sleep(poll_interval)
    seen = time.perf_counter()
    exports = list(ReportExport.objects.filter(pk__in=export_ids).order_by("pk"))
    failed = [e for e in exports if e.status != ReportExport.Status.DONE]
    if failed:
        raise RuntimeError(f"Export {failed[0].pk} failed: {failed[0].error}")
    return exports, seen


def export_batch(plan, user, count: int, export_format: str = "pdf"):
    """Request `count` exports at once; (seconds from the first request to the last
    export seen done, the exports). A person has one export in flight per plan, so a
    batch is requested as the periodic resend would send it: rows first, then handed
    to the workers."""
    from microcred.reports.models import ReportExport
    from microcred.reports.services import dispatch_export, request_export

    start = time.perf_counter()
    if count == 1:
        ids = [request_export(plan=plan, user=user, export_format=export_format)[0].pk]
    else:
        ids = [ReportExport.objects.create(plan=plan).pk for _ in range(count)]
        for export_id in ids:
            dispatch_export(export_id=export_id)
    exports, seen = wait_until_finished(ids, POLL_INTERVAL if count == 1 else BATCH_POLL_INTERVAL)
    return seen - start, exports


def task_code_without_weasyprint(plan, user, pdf):
    """rendering.render_export() in this process with WeasyPrint replaced by the PDF it
    already produced: the task's own cost (claim, HTML, storing the file, final UPDATE).
    (seconds in total, seconds from started_at to finished_at)"""
    from unittest import mock

    from microcred.reports import rendering
    from microcred.reports.models import ReportExport

    export = ReportExport.objects.create(plan=plan, requested_by=user)  # no task is sent
    with mock.patch.object(rendering, "html_to_pdf", lambda html, url_fetcher=None: pdf):
        seconds, export = timed(rendering.render_export, export_id=export.pk, claimant="bench")
    return seconds, (export.finished_at - export.started_at).total_seconds()


def measure_plan(case: dict, worker: Worker, user) -> None:
    """RUNS rounds of: WeasyPrint alone on the plan's HTML in this process, then one
    export through the idle worker. Interleaved, so that both see the same machine."""
    from microcred import celery_app
    from microcred.reports.pdf import html_to_pdf
    from microcred.reports.rendering import render_plan_html

    html_times, pdf_times, own_totals, own_claims = [], [], [], []
    walls, db_totals, pickups, in_task, after = [], [], [], [], []
    celery_app.control.purge()
    worker.reset_peak_memory()
    wait_for_quiet_machine(worker)
    with CpuMeter(worker) as meter:
        for _ in range(RUNS):
            seconds, html = timed(render_plan_html, plan=case["plan"])
            html_times.append(seconds)
            seconds, pdf = timed(html_to_pdf, html)
            pdf_times.append(seconds)
            total, claim_to_finished = task_code_without_weasyprint(case["plan"], user, pdf)
            own_totals.append(total)
            own_claims.append(claim_to_finished)

            wall, (export,) = export_batch(case["plan"], user, 1)
            db_total = (export.finished_at - export.requested_at).total_seconds()
            walls.append(wall)
            db_totals.append(db_total)
            pickups.append((export.started_at - export.requested_at).total_seconds())
            in_task.append((export.finished_at - export.started_at).total_seconds())
            after.append(wall - db_total)
    median = statistics.median
    case.update(
        html_seconds=median(html_times),
        html_kb=len(html.encode()) / 1024,
        weasyprint_seconds=median(pdf_times),
        weasyprint_range=(min(pdf_times), max(pdf_times)),
        raw_pages=pdf.page_count,
        raw_size=len(pdf.content),
        own_seconds=median(own_totals),
        own_claim_seconds=median(own_claims),
        wall_seconds=median(walls),
        task_seconds=median(db_totals),
        task_range=(min(db_totals), max(db_totals)),
        paired_ratio=median(t / w for t, w in zip(db_totals, pdf_times, strict=True)),
        pickup_seconds=median(pickups),
        in_task_seconds=median(in_task),
        after_seconds=median(after),
        pages=export.page_count,
        size=export.size_bytes,
        peak_kb=worker.peak_memory_kb(),
        other_cores=meter.other_cores,
    )


def measure_docx(case: dict, worker: Worker, user) -> None:
    """RUNS rounds of: the Word document made in this process (context and python-docx),
    then one Word export through the idle worker."""
    from microcred import celery_app
    from microcred.reports.docx import render_plan_docx
    from microcred.reports.rendering import report_context

    alone, walls, db_totals = [], [], []
    celery_app.control.purge()
    worker.reset_peak_memory()
    wait_for_quiet_machine(worker)
    with CpuMeter(worker) as meter:
        for _ in range(RUNS):
            seconds, content = timed(lambda: render_plan_docx(report_context(plan=case["plan"])))
            alone.append(seconds)
            wall, (export,) = export_batch(case["plan"], user, 1, export_format="docx")
            walls.append(wall)
            db_totals.append((export.finished_at - export.requested_at).total_seconds())
    median = statistics.median
    case["docx"] = {
        "alone_seconds": median(alone),
        "task_seconds": median(db_totals),
        "task_range": (min(db_totals), max(db_totals)),
        "wall_seconds": median(walls),
        "size": export.size_bytes,
        "raw_size": len(content),
        "peak_kb": worker.peak_memory_kb(),
        "other_cores": meter.other_cores,
    }


def measure_throughput(worker: Worker, plan, user) -> dict:
    """THROUGHPUT_EXPORTS exports requested at once, on a warmed-up worker."""
    from microcred import celery_app

    celery_app.control.purge()
    # Warm every pool process (first-render costs: fonts, templates, connections).
    export_batch(plan, user, 2 * worker.concurrency)
    celery_app.control.purge()
    worker.reset_peak_memory()
    wait_for_quiet_machine(worker)
    with CpuMeter(worker) as meter:
        wall, exports = export_batch(plan, user, THROUGHPUT_EXPORTS)
    span = max(e.finished_at for e in exports) - min(e.requested_at for e in exports)
    renders = [(e.finished_at - e.started_at).total_seconds() for e in exports]
    return {
        "processes": worker.concurrency,
        "per_second": THROUGHPUT_EXPORTS / wall,
        "db_per_second": THROUGHPUT_EXPORTS / span.total_seconds(),
        "seconds": wall,
        "render_seconds": statistics.median(renders),
        "peak_kb": worker.peak_memory_kb(),
        "other_cores": meter.other_cores,
    }


def combined(runs: list[dict]) -> float:
    """Exports per second over all runs of one configuration."""
    return THROUGHPUT_EXPORTS * len(runs) / sum(run["seconds"] for run in runs)


# --- report ---------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def megabytes(kb: int | None) -> str:
    return f"{kb / 1024:.0f} MB" if kb else "n/a"


def busy(measurement: dict) -> str:
    return "!" if measurement["other_cores"] > BUSY_MACHINE_CORES else ""


def print_report(cases, first_export_seconds, throughput: dict, background: float) -> None:
    print()
    print(f"PDF report benchmark (PostgreSQL, Redis, Celery prefork), {os.cpu_count()} cores")
    print(
        f"{'plan':<16} {'pages':>5} {'size':>7}  {'weasyprint':>10} {'task(db)':>9} "
        f"{'wall':>7} {'ratio':>6}  {'target<=1.2x':<12} {'worker peak RSS':>15} "
        f"{'other load':>10}"
    )
    for case in cases:
        ratio = case["task_seconds"] / case["weasyprint_seconds"]
        print(
            f"{case['label']:<16} {case['pages']:>5} {case['size'] / 1024:>4.0f} kB  "
            f"{case['weasyprint_seconds']:>8.2f} s {case['task_seconds']:>7.2f} s "
            f"{case['wall_seconds']:>5.2f} s {ratio:>5.2f}x  "
            f"{verdict(ratio <= TARGET_RATIO):<12} {megabytes(case['peak_kb']):>15} "
            f"{case['other_cores']:>8.2f}{busy(case):1}"
        )
    print()
    print("Word (.docx) of the same plans, through the same worker")
    print(
        f"{'plan':<16} {'size':>7}  {'python-docx':>11} {'task(db)':>9} {'wall':>7} "
        f"{'/ PDF task':>10} {'worker peak RSS':>15} {'other load':>10}"
    )
    for case in cases:
        docx = case["docx"]
        print(
            f"{case['label']:<16} {docx['size'] / 1024:>4.0f} kB  "
            f"{docx['alone_seconds']:>9.2f} s {docx['task_seconds']:>7.2f} s "
            f"{docx['wall_seconds']:>5.2f} s {docx['task_seconds'] / case['task_seconds']:>9.2f}x "
            f"{megabytes(docx['peak_kb']):>15} {docx['other_cores']:>8.2f}{busy(docx):1}"
        )
    print(
        "python-docx = report_context() and render_plan_docx() in this process; task(db) "
        "and wall as for the PDF; / PDF task = the Word export's task(db) over the PDF's."
    )
    if throughput[1]:
        one, two = combined(throughput[1]), combined(throughput[2])
        speedup = two / one
        print(
            f"throughput, {THROUGHPUT_EXPORTS} exports: 1 worker {one:.2f}/s, "
            f"2 workers {two:.2f}/s, speed-up {speedup:.2f}x "
            f"(target >= {TARGET_SPEEDUP}x: {verdict(speedup >= TARGET_SPEEDUP)}); other load "
            + ", ".join(
                f"{run['other_cores']:.2f}{busy(run)}"
                for run in [*throughput[1][:1], *throughput[2], *throughput[1][1:]]
            )
        )
    measurements = [*cases, *(case["docx"] for case in cases), *throughput[1], *throughput[2]]
    if any(busy(measurement) for measurement in measurements):
        print(
            f"! other processes used more than {BUSY_MACHINE_CORES} of the "
            f"{os.cpu_count()} cores during a measurement marked !: its figures are not reliable; "
            "run the benchmark again on a quiet machine."
        )
    print()
    print(
        f"other load = cores used on average by processes other than this script and its "
        f"worker (PostgreSQL and Redis count as other) while measuring; {background:.2f} "
        "before the benchmark started. Each measurement waits (5 s at most) for a quiet "
        "machine first."
    )
    print(
        f"Medians of {RUNS} rounds, each round = WeasyPrint alone (html_to_pdf() in this "
        "process, after a warm-up) then one export through an idle 1-process worker. "
        "task(db) = requested_at -> finished_at (set once the file is stored); "
        "wall = request_export() call -> status seen done (polled every "
        f"{POLL_INTERVAL * 1000:.0f} ms); ratio = task(db) / weasyprint."
    )
    for case in cases:
        outside_weasyprint = case["in_task_seconds"] - case["weasyprint_seconds"]
        print(
            f"- {case['label']}: {case['answered']} of {case['questions']} questions answered, "
            f"HTML {case['html_kb']:.0f} kB, {case['raw_pages']} pages "
            f"(in-process PDF {case['raw_size'] / 1024:.0f} kB).\n"
            f"  WeasyPrint alone {case['weasyprint_range'][0]:.2f}-"
            f"{case['weasyprint_range'][1]:.2f} s, task(db) {case['task_range'][0]:.2f}-"
            f"{case['task_range'][1]:.2f} s; median of the per-round ratios "
            f"{case['paired_ratio']:.2f}x; wall / weasyprint "
            f"{case['wall_seconds'] / case['weasyprint_seconds']:.2f}x.\n"
            f"  Through the worker: broker pickup (requested_at -> started_at) "
            f"{case['pickup_seconds'] * 1000:.0f} ms, started_at -> finished_at "
            f"{case['in_task_seconds']:.2f} s ({outside_weasyprint * 1000:+.0f} ms against "
            f"WeasyPrint alone), after finished_at (final UPDATE, poll) "
            f"{case['after_seconds'] * 1000:.0f} ms.\n"
            f"  The task's own code in this process with WeasyPrint stubbed out: "
            f"{case['own_seconds'] * 1000:.0f} ms, of which claim + HTML (started_at -> "
            f"finished_at) {case['own_claim_seconds'] * 1000:.0f} ms (render_plan_html alone "
            f"{case['html_seconds'] * 1000:.0f} ms).\n"
            f"  Other processes on the machine used {case['other_cores']:.2f} cores on "
            f"average meanwhile{busy(case)}."
        )
    print(
        f"- First export on a freshly started 1-process worker (not counted): "
        f"{first_export_seconds:.2f} s wall."
    )
    if not throughput[1]:
        print("- Throughput: not measured (--skip-throughput).")
    else:
        print_throughput_runs(throughput)
    scaled = cases[1]
    print(
        f"- The {SCALE}x plan: template version {SCALED_VERSION_NUMBER} (draft), the default "
        f"template with each phase's questions repeated {SCALE} times (keys suffixed "
        f"_x1.._x{SCALE}; only the last copy of a reflection stays the reflection), "
        f"answered with the demo plan's answers: {scaled['questions']} questions, "
        f"{scaled['answered']} answered."
    )


def print_throughput_runs(throughput: dict) -> None:
    print(
        f"- Throughput: {THROUGHPUT_EXPORTS} exports of the demo plan requested at once on a "
        "warmed-up worker, timed from the first request_export() call to the last export "
        "seen done; measured twice per configuration in the order 1, 2, 2, 1 processes "
        "(so that a drift in the machine's load hits both), the figure above being "
        f"{THROUGHPUT_EXPORTS * 2} exports / the two runs' total time:"
    )
    for run in [*throughput[1][:1], *throughput[2], *throughput[1][1:]]:
        print(
            f"  {run['processes']} process(es): {run['seconds']:.2f} s = "
            f"{run['per_second']:.2f}/s ({run['db_per_second']:.2f}/s from first requested_at "
            f"to last finished_at); median render {run['render_seconds']:.2f} s; peak RSS per "
            f"process {megabytes(run['peak_kb'])}; other processes used "
            f"{run['other_cores']:.2f} cores{busy(run)}."
        )


def main() -> None:
    skip_throughput = "--skip-throughput" in sys.argv[1:]
    media_root = tempfile.mkdtemp(prefix="microcred-bench-media-")
    configure_environment(media_root)
    workers = []
    started = time.monotonic()
    try:
        with CpuMeter() as background:
            time.sleep(1)
        if background.other_cores > BUSY_MACHINE_CORES:
            print(
                f"Warning: the machine is busy ({background.other_cores:.2f} cores used by "
                "other processes): the figures may be noisy.",
                flush=True,
            )
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
        print(f"plans ready in {seconds:.1f} s", flush=True)

        from microcred import celery_app
        from microcred.reports.pdf import html_to_pdf
        from microcred.reports.rendering import render_plan_html

        html_to_pdf(render_plan_html(plan=cases[0]["plan"]))  # this process' warm-up

        log_path = Path(media_root) / "worker.log"

        def start_worker(processes: int) -> Worker:
            print(f"starting a worker with {processes} process(es)...", flush=True)
            worker = Worker(f"bench{len(workers) + 1}", processes, log_path)
            workers.append(worker)
            worker.start()
            return worker

        def throughput_run(worker: Worker) -> None:
            print(
                f"throughput of {THROUGHPUT_EXPORTS} exports, {worker.concurrency} process(es)...",
                flush=True,
            )
            throughput[worker.concurrency].append(
                measure_throughput(worker, cases[0]["plan"], user)
            )

        throughput = {1: [], 2: []}
        worker = start_worker(1)
        celery_app.control.purge()
        first_export_seconds, _ = export_batch(cases[0]["plan"], user, 1)  # its warm-up
        for case in cases:
            print(f"{case['label']}: WeasyPrint alone and through the worker...", flush=True)
            measure_plan(case, worker, user)
            print(f"{case['label']}: python-docx alone and through the worker...", flush=True)
            measure_docx(case, worker, user)
        if skip_throughput:
            worker.stop()
            print_report(cases, first_export_seconds, throughput, background.other_cores)
            return
        throughput_run(worker)
        worker.stop()
        worker = start_worker(2)
        throughput_run(worker)
        throughput_run(worker)
        worker.stop()
        worker = start_worker(1)
        throughput_run(worker)
        worker.stop()

        print_report(cases, first_export_seconds, throughput, background.other_cores)
        print(f"(benchmark took {time.monotonic() - started:.0f} s)")
    except BaseException:
        if workers:
            tail = workers[-1].log_tail()
            print(f"--- last lines of the worker log ---\n{tail}", file=sys.stderr)
        raise
    finally:
        for worker in workers:
            worker.stop()
        shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
