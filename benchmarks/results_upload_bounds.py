"""Results upload bounds benchmark: figures printed, not asserted.

The worst results files an upload accepts, each filling PSYCHOMETRICS_MAX_UPLOAD_BYTES
with right-or-wrong scores: PSYCHOMETRICS_MAX_ITEMS items with 100-character names and as
many candidates as fit, and PSYCHOMETRICS_MAX_CANDIDATES candidates with as many items as
fit. For each: the upload's check (in the web process, before the file is kept), then
upload -> done through a real Celery worker (prefork, one process; Redis broker,
PostgreSQL) with the worker process's peak memory, and the size of the stored figures.
Then what shows the largest analysis: the Maintenance page, the reviews part of its panel
and the print preview through Django's test client (DEBUG off, the page cache in memory),
with the cache emptied and again, and the PDF and Word documents rendered in this process,
beside the same for the plan without an analysis. Last, files beyond the bounds (the
issue's 1,000,000 and 2,000,000 columns, one candidate too many): how long the upload's
check takes to refuse them, and the memory it uses. Run it from the repository root:

    .venv/bin/python benchmarks/results_upload_bounds.py

DATABASE_URL and CELERY_BROKER_URL default to a database and a Redis database of the
benchmark's own (created if missing); the broker's queue is purged first and the demo
plan's psychometric reviews are deleted: do not point it at data you care about.
"""

import contextlib
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pdf_report import (  # noqa: E402
    Worker,
    configure_environment,
    ensure_database,
    megabytes,
    redacted,
    verdict,
)
from benchmarks.psychometrics import upload_and_wait, write_results  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/microcred_upload_bounds_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"
RUNS = 3  # uploads of each file, medians
PAGE_RUNS = 5
ID_BYTES = len("c000000,")  # write_results' identifier cell
NAME_LENGTH = 100  # the longest item name kept
TARGET_PEAK_KB = 500 * 1024
TARGET_PAGE_BYTES = 2 * 2**20
TARGET_PAGE_SECONDS = 1.0
TARGET_STORED_BYTES = 2**20


def long_names(items: int) -> list[str]:
    question = "which of these is right? " * 5
    return [f"Item {j}: {question}"[:NAME_LENGTH] for j in range(1, items + 1)]


def worst_accepted_files(*, max_bytes: int, max_items: int, max_candidates: int) -> list[dict]:
    """The two shapes that fill the upload limit with the most scores (two bytes each)."""
    names = long_names(max_items)
    header = len("id,") + sum(map(len, names)) + max_items
    wide = {
        "label": "most items",
        "items": max_items,
        "candidates": min(max_candidates, (max_bytes - header) // (ID_BYTES + 2 * max_items)),
        "names": names,
    }
    items = max_items
    while (
        len("id,")
        + sum(len(f"q{j},") for j in range(1, items + 1))
        + max_candidates * (ID_BYTES + 2 * items)
        > max_bytes
    ):
        items -= 1
    tall = {"label": "most candidates", "items": items, "candidates": max_candidates, "names": None}
    return [tall, wide]  # the last is the one the pages show


def checked(path: Path) -> tuple[float, int, str]:
    """The upload's check of a file: seconds, Python's peak memory (bytes) in a traced run
    of its own, and the refusal ("" when accepted)."""
    from maintenance.score_file_shape import ScoreFileError, score_file_shape, upload_bounds

    def check() -> str:
        with path.open("rb") as handle:
            try:
                score_file_shape(handle, bounds=upload_bounds())
            except ScoreFileError as error:
                return str(error)
        return ""

    started = time.perf_counter()
    refusal = check()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    check()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, refusal


def stored_sizes(plan) -> dict:
    """The latest analysis's figures: as JSON text, and as PostgreSQL stores them."""
    from django.db import connection

    review = plan.psychometric_reviews.first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT length(results::text), pg_column_size(results), length(histogram_svg) "
            "FROM maintenance_psychometricreview WHERE id = %s",
            [review.pk],
        )
        text, column, svg = cursor.fetchone()
    return {"json": text, "column": column, "svg": svg}


def measure_file(plan, worker, case: dict, folder: Path, max_bytes: int) -> dict:
    path = folder / f"{case['label'].replace(' ', '-')}.csv"
    write_results(path, case["candidates"], case["items"], case["names"])
    size = path.stat().st_size
    check_seconds, check_peak, refusal = checked(path)
    if refusal:
        raise RuntimeError(f"{case['label']}: refused: {refusal}")
    runs = []
    for _ in range(RUNS):
        worker.reset_peak_memory()
        runs.append(upload_and_wait(plan, path, worker))
    measured = {
        **case,
        "bytes": size,
        "check_seconds": check_seconds,
        "check_peak": check_peak,
        "wall": statistics.median(run["wall"] for run in runs),
        "compute": statistics.median(run["compute"] for run in runs),
        "peak_kb": max(run["peak_kb"] for run in runs),
        **stored_sizes(plan),
    }
    print(
        f"{case['label']}: {case['candidates']:,} x {case['items']} ({size / 2**20:.1f} MB of "
        f"{max_bytes / 2**20:.0f} MB): check {check_seconds * 1000:.0f} ms, upload -> done "
        f"{measured['wall']:.1f} s, worker peak {megabytes(measured['peak_kb'])}",
        flush=True,
    )
    return measured


def timed_get(client, url: str, *, uncached: bool) -> tuple[float, int]:
    from django.core.cache import cache

    if uncached:
        cache.clear()
    started = time.perf_counter()
    response = client.get(url, secure=True)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return seconds, len(response.content)


def measure_pages(plan) -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(plan.created_by)
    urls = {
        "Maintenance page": reverse("plans:phase", args=[plan.pk, "maintenance"]),
        "reviews part": reverse("maintenance:psychometrics_status", args=[plan.pk]),
        "print preview": reverse("reports:preview", args=[plan.pk]),
    }
    measured = []
    for name, url in urls.items():
        timed_get(client, url, uncached=True)  # templates compiled, connections open
        uncached = [timed_get(client, url, uncached=True) for _ in range(PAGE_RUNS)]
        cached = [timed_get(client, url, uncached=False) for _ in range(PAGE_RUNS)]
        measured.append(
            {
                "name": name,
                "bytes": uncached[0][1],
                "uncached": statistics.median(seconds for seconds, _ in uncached),
                "again": statistics.median(seconds for seconds, _ in cached),
            }
        )
    return measured


def measure_exports(plan) -> list[dict]:
    from microcred.reports.options import DEFAULT_OPTIONS
    from microcred.reports.rendering import render_report

    measured = []
    for export_format in ("pdf", "docx"):
        started = time.perf_counter()
        report = render_report(plan=plan, export_format=export_format, options=DEFAULT_OPTIONS)
        measured.append(
            {
                "format": export_format,
                "seconds": time.perf_counter() - started,
                "bytes": len(report.content),
                "pages": report.page_count,
            }
        )
    return measured


def measure_refusals(folder: Path) -> list[dict]:
    from django.conf import settings

    too_many_candidates = settings.PSYCHOMETRICS_MAX_CANDIDATES + 1
    files = {
        "1,000,000 columns, 2 rows": b"id" + b",q" * 1_000_000 + b"\na,1,0\nb,0,1\n",
        "2,000,000 columns, 2 rows": b"id" + b",q" * 2_000_000 + b"\na,1,0\nb,0,1\n",
        f"{too_many_candidates:,} candidates": b"id,q1,q2\n" + b"c,1,0\n" * too_many_candidates,
    }
    measured = []
    for name, content in files.items():
        path = folder / "refused.csv"
        path.write_bytes(content)
        seconds, peak, refusal = checked(path)
        measured.append(
            {"name": name, "bytes": len(content), "seconds": seconds, "peak": peak, "why": refusal}
        )
    return measured


def print_report(files: list[dict], shown: dict, refusals: list[dict]) -> None:
    print()
    print(
        f"Results upload bounds ({os.cpu_count()} cores, load average "
        f"{os.getloadavg()[1]:.1f} over the last 5 minutes); uploads: medians of {RUNS}"
    )
    print("| accepted file | size | upload check | upload -> done | in the task | worker peak |")
    print("|---|---|---|---|---|---|")
    for case in files:
        print(
            f"| {case['label']}: {case['candidates']:,} candidates x {case['items']} items | "
            f"{case['bytes'] / 2**20:.1f} MB | {case['check_seconds'] * 1000:.0f} ms, "
            f"{case['check_peak'] / 2**20:.1f} MB | {case['wall']:.1f} s | "
            f"{case['compute']:.1f} s | {megabytes(case['peak_kb'])} "
            f"({verdict(case['peak_kb'] < TARGET_PEAK_KB)}) |"
        )
    print()
    print("| stored figures | JSON | in PostgreSQL | histogram SVG |")
    print("|---|---|---|---|")
    for case in files:
        print(
            f"| {case['label']} | {case['json'] / 1024:.0f} kB "
            f"({verdict(case['json'] < TARGET_STORED_BYTES)}) | {case['column'] / 1024:.0f} kB | "
            f"{case['svg'] / 1024:.0f} kB |"
        )
    print()
    print(
        f"The demo plan with the analysis of {files[-1]['items']} items ({files[-1]['label']}), "
        f"and without an analysis; medians of {PAGE_RUNS}:"
    )
    print("| page | size | first (cache emptied) | again | without an analysis |")
    print("|---|---|---|---|---|")
    for page, before in zip(shown["pages"], shown["pages_without"], strict=True):
        ok = page["bytes"] < TARGET_PAGE_BYTES and page["uncached"] < TARGET_PAGE_SECONDS
        print(
            f"| {page['name']} | {page['bytes'] / 1024:.0f} kB | "
            f"{page['uncached'] * 1000:.0f} ms ({verdict(ok)}) | {page['again'] * 1000:.0f} ms | "
            f"{before['bytes'] / 1024:.0f} kB, {before['uncached'] * 1000:.0f} ms |"
        )
    for export, before in zip(shown["exports"], shown["exports_without"], strict=True):
        print(
            f"{export['format'].upper()} of the plan: {export_text(export)}; without an "
            f"analysis {export_text(before)}"
        )
    print()
    print("| refused file | size | upload check | its memory | why |")
    print("|---|---|---|---|---|")
    for refusal in refusals:
        print(
            f"| {refusal['name']} | {refusal['bytes'] / 2**20:.1f} MB | "
            f"{refusal['seconds'] * 1000:.0f} ms | {refusal['peak'] / 2**20:.1f} MB | "
            f"{refusal['why']} |"
        )
    print()
    print(
        f"Targets: worker peak < {megabytes(TARGET_PEAK_KB)}, stored JSON < "
        f"{TARGET_STORED_BYTES // 1024} kB, each page < {TARGET_PAGE_BYTES // 2**20} MB and "
        f"< {TARGET_PAGE_SECONDS:.0f} s uncached. Upload check = score_file_shape() as the "
        "upload form runs it (its memory: Python's peak, traced in a run of its own); worker "
        "peak = the largest VmHWM of the worker's pool process, reset before each upload."
    )


def export_text(export: dict) -> str:
    pages = f", {export['pages']} pages" if export["pages"] else ""
    return f"{export['seconds']:.1f} s, {export['bytes'] / 1024:.0f} kB{pages}"


def configure_production_like(static_root: str) -> None:
    """Before django.setup(): DEBUG off, as the pages are served; static files collected
    into `static_root` for the manifest the pages and the PDF name them by."""
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(40)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["STATIC_ROOT"] = static_root


def main() -> None:
    media_root = tempfile.mkdtemp(prefix="microcred-bench-media-")
    static_root = tempfile.mkdtemp(prefix="microcred-bench-static-")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
    configure_production_like(static_root)
    configure_environment(media_root)
    worker = None
    try:
        ensure_database(os.environ["DATABASE_URL"])
        print(
            f"database {redacted(os.environ['DATABASE_URL'])}, broker "
            f"{redacted(os.environ['CELERY_BROKER_URL'])}, media {media_root}",
            flush=True,
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise SystemExit("Tasks would run in-process: CELERY_BROKER_URL is not set.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)

        from microcred import celery_app
        from microcred.demo.services import load_demo_data
        from microcred.questionnaires.services import load_default_template

        load_default_template()
        plan = load_demo_data()
        plan.psychometric_reviews.all().delete()
        folder = Path(media_root)
        pages_without = measure_pages(plan)
        exports_without = measure_exports(plan)
        celery_app.control.purge()
        worker = Worker("upload-bounds", 1, folder / "worker.log")
        worker.start()
        files = [
            measure_file(plan, worker, case, folder, settings.PSYCHOMETRICS_MAX_UPLOAD_BYTES)
            for case in worst_accepted_files(
                max_bytes=settings.PSYCHOMETRICS_MAX_UPLOAD_BYTES,
                max_items=settings.PSYCHOMETRICS_MAX_ITEMS,
                max_candidates=settings.PSYCHOMETRICS_MAX_CANDIDATES,
            )
        ]
        plan.refresh_from_db()
        shown = {
            "pages": measure_pages(plan),
            "pages_without": pages_without,
            "exports": measure_exports(plan),
            "exports_without": exports_without,
        }
        print_report(files, shown, measure_refusals(folder))
    except BaseException:
        if worker is not None:
            print(f"--- last lines of the worker log ---\n{worker.log_tail()}", file=sys.stderr)
        raise
    finally:
        if worker is not None:
            worker.stop()
        with contextlib.suppress(OSError):
            shutil.rmtree(media_root)
            shutil.rmtree(static_root)


if __name__ == "__main__":
    main()
