"""Input bounds benchmark: figures printed, not asserted.

For each way a person sends the application a file or a list, it builds the largest input
the limits accept (see benchmarks/largest_inputs.py), and for the plan import the largest
refused ones, and measures the request or service that takes it: its time, queries and
the peak memory (RSS) of the process, each scenario in a process of its own, as a web or
worker process would run it (PostgreSQL, DEBUG off, Django's test client through the real
views):

- plan import: a file with PLAN_IMPORT_MAX_ROWS rows (a full table of platforms, each
  naming as many others in a circle as the links limit lets, the rest the demo plan's
  rows again, every text at its longest) and PLAN_IMPORT_MAX_ANSWERS answers (the
  version's at their longest), posted to "Import a plan";
- plan import refused: the 2.6 MB file of 25,600 linked platforms that once ran until
  gunicorn killed the worker, and 10 MB of comments;
- template YAML: 1 MB, 2,000 questions in 20 phases of 100 (the template file limits),
  imported as the admin's upload does, then the admin page of one 100-question phase;
- tables: a plan whose every table holds its most rows (50), every text at its longest,
  every platform integrating with every other, each phase page rendered;
- comments: the most one answer shows, 5 threads of 101 comments of 5,000 characters, on
  its phase page.

Pages are rendered with the page cache emptied (their first load after a change). Run it
from the repository root:

    .venv/bin/python benchmarks/input_bounds.py [--runs 3]

DATABASE_URL defaults to a database of the benchmark's own (created if missing); its
plans and template versions are deleted and made again on every run.
"""

import argparse
import contextlib
import html
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script, from benchmarks/
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.largest_inputs import (  # noqa: E402
    BENCH_USERNAME,
    COMMENTS_TITLE,
    TABLES_TITLE,
    TEMPLATE_NAME,
    bench_user,
    count_values,
    demo_plan,
    largest_plan_file,
    largest_template_yaml,
    prepare,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/microcred_inputs_bench"


def configure_environment() -> None:
    """Before django.setup(): production-like settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["AXES_ENABLED"] = "false"
    os.environ.setdefault("LOG_LEVEL", "ERROR")


class QueryCounter:
    """Counts the queries run inside it (Django's execute_wrapper: nothing is kept)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    @contextlib.contextmanager
    def counting(self):
        from django.db import connection

        with connection.execute_wrapper(self):
            yield self


def peak_rss_mb() -> float:
    """The process's peak resident memory (VmHWM: getrusage's keeps the parent's across
    exec)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


# --- the scenarios (each run in a process of its own) ---------------------------------------


def client():
    from django.test import Client

    logged_in = Client()
    logged_in.force_login(bench_user())
    return logged_in


def post_plan_file(data: bytes) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile("plan.json", data, content_type="application/json")
    browser = client()
    with QueryCounter().counting() as queries:
        started = time.perf_counter()
        response = browser.post(reverse("transfer:import"), {"file": upload})
        seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "status": response.status_code,
        "input_mb": len(data) / 2**20,
        "queries": queries.count,
    }
    if response.status_code == 302:
        from microcred.plans.models import Plan
        from microcred.transfer.import_report import ImportReport

        plan = Plan.objects.filter(created_by__username=BENCH_USERNAME).latest("pk")
        report = ImportReport.from_dict(browser.session[f"plan-import-report-{plan.pk}"])
        result["note"] = f"{report.rows} rows, {report.answers} answers placed"
    else:
        page = response.content.decode()
        if 'id="div_id_file"' not in page:
            raise RuntimeError(f"{response.status_code}: {page[:2000]}")
        field = page[page.index('id="div_id_file"') :]
        result["note"] = html.unescape(re.search(r"<strong>(.*?)</strong>", field).group(1))
    return result


def scenario_plan_import() -> dict:
    document = largest_plan_file()
    rows = sum(len(s["rows"]) for s in document["record_sets"])
    links = sum(len(r["values"]["integrates_with"]) for r in document["record_sets"][-1]["rows"])
    result = post_plan_file(json.dumps(document).encode())
    result["input"] = (
        f"{rows} rows ({links:,} links), {len(document['answers'])} answers, "
        f"{count_values(document):,} values"
    )
    return result


def scenario_issue_file() -> dict:
    from microcred.transfer.plan_json import plan_document
    from tests.transfer.plan_files import platform_sets

    document = json.loads(json.dumps(plan_document(plan=demo_plan())))
    document["record_sets"] = platform_sets(sets=128, rows=200)
    result = post_plan_file(json.dumps(document).encode())
    result["input"] = "128 sets of 200 linked platforms"
    return result


def scenario_ten_mb_of_comments() -> dict:
    from django.conf import settings

    from microcred.transfer.plan_json import plan_document

    document = json.loads(json.dumps(plan_document(plan=demo_plan())))
    comment = {
        "id": "c",
        "thread": None,
        "phase": "strategic-planning",
        "question": None,
        "author": None,
        "body": "",
        "created_at": "2026-01-01T00:00:00+00:00",
        "resolved_at": None,
        "resolved_by": None,
    }
    document["review_rounds"] = []
    count = settings.PLAN_IMPORT_MAX_BYTES // len(json.dumps(comment))
    while True:
        document["comments"] = [{**comment, "id": f"c-{n}"} for n in range(count)]
        data = json.dumps(document).encode()
        if len(data) <= settings.PLAN_IMPORT_MAX_BYTES:
            break
        count -= (len(data) - settings.PLAN_IMPORT_MAX_BYTES) // 100 + 1
    result = post_plan_file(data)
    result["input"] = f"{count:,} comments"
    return result


def scenario_template_yaml() -> dict:
    from django.urls import reverse

    from microcred.questionnaires.models import TemplateVersion
    from microcred.questionnaires.versions import import_template

    TemplateVersion.objects.filter(name=TEMPLATE_NAME).delete()
    text = largest_template_yaml()
    with QueryCounter().counting() as queries:
        started = time.perf_counter()
        version = import_template(text=text)
        seconds = time.perf_counter() - started
    phase = version.phases.order_by("order").first()
    url = reverse("admin:questionnaires_phase_change", args=[phase.pk])
    page_seconds, page_bytes, _ = timed_page(client(), url)
    return {
        "seconds": seconds,
        "input_mb": len(text.encode()) / 2**20,
        "input": f"{version.questions.count():,} questions in {version.phases.count()} phases",
        "queries": queries.count,
        "note": f"its admin phase page: {page_seconds:.2f} s, {page_bytes / 2**20:.2f} MB",
    }


def timed_page(browser, url: str, *, runs: int = 3) -> tuple[float, int, int]:
    """The median time of the page's first load after a change, its size and queries."""
    from django.core.cache import cache

    times, size = [], 0
    for _ in range(runs):
        cache.clear()
        with QueryCounter().counting() as queries:
            started = time.perf_counter()
            response = browser.get(url)
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        size = len(response.content)
    return statistics.median(times), size, queries.count


def phase_pages(title: str, *, slugs: list[str] | None = None) -> dict:
    from django.urls import reverse

    from microcred.plans.models import Plan

    plan = Plan.objects.select_related("template_version").get(
        title=title, created_by__username=BENCH_USERNAME
    )
    browser = client()
    pages = {}
    for phase in plan.template_version.phases.order_by("order"):
        if slugs is None or phase.slug in slugs:
            url = reverse("plans:phase", args=[plan.pk, phase.slug])
            pages[phase.title] = timed_page(browser, url)
    worst = max(pages, key=lambda name: pages[name][0])
    return {
        "seconds": pages[worst][0],
        "output_mb": pages[worst][1] / 2**20,
        "queries": pages[worst][2],
        "note": "; ".join(
            f"{name}: {seconds:.2f} s, {size / 2**20:.2f} MB"
            for name, (seconds, size, _) in pages.items()
        ),
    }


def scenario_tables() -> dict:
    from microcred.records.models import MAX_ROWS
    from microcred.records.registry import REGISTRY

    result = phase_pages(TABLES_TITLE)
    result["input"] = f"{len(REGISTRY)} tables of {MAX_ROWS} rows (1 for a single-row table)"
    return result


def scenario_comments() -> dict:
    from django.urls import reverse

    from microcred.plans.models import Comment

    result = phase_pages(COMMENTS_TITLE, slugs=["strategic-planning"])
    result["input"] = "5 threads × 101 comments × 5,000 characters on one answer"
    thread = Comment.objects.filter(
        plan__title=COMMENTS_TITLE, plan__created_by__username=BENCH_USERNAME, thread=None
    ).first()
    url = reverse("comments:plan_comments", args=[thread.plan_id]) + f"?thread={thread.pk}"
    seconds, size, _ = timed_page(client(), url)
    result["note"] += f"; one whole thread: {seconds:.2f} s, {size / 2**20:.2f} MB"
    return result


SCENARIOS = {
    "plan import, largest accepted": scenario_plan_import,
    "plan import refused: the 25,600-row file": scenario_issue_file,
    "plan import refused: 10 MB of comments": scenario_ten_mb_of_comments,
    "template YAML, largest accepted": scenario_template_yaml,
    "phase pages, every table full": scenario_tables,
    "phase page, longest threads": scenario_comments,
}


def run_scenario(name: str) -> None:
    import django

    django.setup()
    # As a worker that has served pages: the URLs, views and templates loaded.
    from django.urls import reverse

    client().get(reverse("transfer:import"))
    baseline = peak_rss_mb()
    result = SCENARIOS[name]()
    result.update(peak_rss_mb=peak_rss_mb(), baseline_rss_mb=baseline)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    configure_environment()
    if arguments.scenario:
        run_scenario(arguments.scenario)
        return
    import django

    django.setup()
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", database],  # noqa: S607
        stderr=subprocess.DEVNULL,
        check=False,
    )
    prepare()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'scenario':45} {'time':>8} {'peak RSS':>9} {'queries':>8}  input / output")
    for name in SCENARIOS:
        results = []
        for _ in range(arguments.runs):
            output = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--scenario", name],
                cwd=REPO_ROOT,
                env=os.environ,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
        first = results[0]
        seconds = statistics.median(result["seconds"] for result in results)
        peak = max(result["peak_rss_mb"] for result in results)
        size = (
            f"{first['input_mb']:.2f} MB in"
            if "input_mb" in first
            else f"{first['output_mb']:.2f} MB page"
        )
        print(
            f"{name:45} {seconds:7.2f}s {peak:6.0f} MB {first.get('queries', ''):>8}  "
            f"{size}, {first['input']}"
        )
        print(f"{'':45} status {first.get('status', 200)}: {first['note']}")
        print(f"{'':45} (process before: {first['baseline_rss_mb']:.0f} MB)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
