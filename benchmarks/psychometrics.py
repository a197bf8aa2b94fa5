"""Item analysis benchmark: figures printed, not asserted.

Uploads a CSV of 100,000 candidates x 200 right-or-wrong items (seeded; each candidate's
chance on an item follows a two-parameter logistic model, so alpha is high) to the demo
plan and times it from the upload to the review seen done, through a real Celery worker
(prefork, one process; Redis broker, PostgreSQL), with the worker process's peak memory.
Run it from the repository root:

    .venv/bin/python benchmarks/psychometrics.py

DATABASE_URL and CELERY_BROKER_URL default to a database and a Redis database of the
benchmark's own (created if missing); the broker's queue is purged first and the demo
plan's psychometric reviews are deleted: do not point it at data you care about.
"""

import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pdf_report import (  # noqa: E402
    Worker,
    child_pids,
    configure_environment,
    ensure_database,
    megabytes,
    redacted,
    status_kb,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/microcred_psychometrics_bench"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/13"
CANDIDATES = 100_000
ITEMS = 200
SEED = 2027
RUNS = 3  # medians of this many uploads
TARGET_SECONDS = 10
TARGET_PEAK_KB = 1024 * 1024
POLL_INTERVAL = 0.02  # seconds
REVIEW_TIMEOUT = 300  # seconds


def write_results(
    path: Path, candidates: int, items: int, item_names: list[str] | None = None
) -> None:
    """Seeded right-or-wrong scores with a header row (q1, q2, … unless `item_names`)."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    ability = rng.normal(size=(candidates, 1))
    difficulty = rng.normal(scale=1.0, size=(1, items))
    discrimination = rng.uniform(0.8, 2.0, size=(1, items))
    chance = 1 / (1 + np.exp(-discrimination * (ability - difficulty)))
    scores = (rng.random((candidates, items)) < chance).astype(np.uint8)
    # One line of "0," / "1," cells per candidate, written as bytes in one go.
    cells = np.full((candidates, items * 2), ord(","), dtype=np.uint8)
    cells[:, 0::2] = scores + ord("0")
    cells[:, -1] = ord("\n")
    with path.open("wb") as output:
        names = item_names or [f"q{j}" for j in range(1, items + 1)]
        output.write(("id," + ",".join(names) + "\n").encode())
        for start in range(0, candidates, 10_000):
            block = cells[start : start + 10_000]
            for offset, line in enumerate(block):
                output.write(f"c{start + offset:06d},".encode() + line.tobytes())


def pool_peak_kb(worker: Worker) -> int:
    """The largest VmHWM among the worker's pool processes now. Sampled while waiting:
    a pool process past CELERY_WORKER_MAX_MEMORY_PER_CHILD is replaced after its task,
    taking its peak with it."""
    peaks = [status_kb(pid, "VmHWM") for pid in child_pids(worker.process.pid)]
    return max((peak for peak in peaks if peak is not None), default=0)


def wait_until_finished(review_id: int, worker: Worker):
    from maintenance.models import PsychometricReview

    deadline = time.monotonic() + REVIEW_TIMEOUT
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, pool_peak_kb(worker))
        review = PsychometricReview.objects.get(pk=review_id)
        if not review.is_pending:
            return review, time.perf_counter(), peak_kb
        if time.monotonic() > deadline:
            raise RuntimeError(f"Review {review_id} still {review.status} after {REVIEW_TIMEOUT} s")
        time.sleep(POLL_INTERVAL)


def upload_and_wait(plan, path: Path, worker: Worker) -> dict:
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from maintenance.services import upload_psychometric_results

    # As a request leaves a large upload: streamed to a temporary file, which the
    # review's storage moves into place.
    upload = TemporaryUploadedFile("results.csv", "text/csv", path.stat().st_size, None)
    with path.open("rb") as source:
        shutil.copyfileobj(source, upload)
    upload.seek(0)
    start = time.perf_counter()
    review = upload_psychometric_results(plan=plan, user=plan.created_by, upload=upload, max_mark=1)
    with contextlib.suppress(FileNotFoundError):  # the storage moved it into place
        upload.close()
    review, seen, peak_kb = wait_until_finished(review.pk, worker)
    if review.status != review.Status.DONE:
        raise RuntimeError(f"Review {review.pk} failed: {review.error}")
    return {
        "wall": seen - start,
        "pickup": (review.started_at - review.uploaded_at).total_seconds(),
        "compute": (review.finished_at - review.started_at).total_seconds(),
        "alpha": review.results["test"]["alpha"],
        "svg_kb": len(review.histogram_svg) / 1024,
        "peak_kb": peak_kb,
    }


def main() -> None:
    media_root = tempfile.mkdtemp(prefix="microcred-bench-media-")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER_URL)
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

        from microcred import celery_app
        from microcred.demo.services import load_demo_data
        from microcred.questionnaires.services import load_default_template

        load_default_template()
        plan = load_demo_data()
        plan.psychometric_reviews.all().delete()

        folder = Path(media_root)
        results = folder / "results.csv"
        started = time.perf_counter()
        write_results(results, CANDIDATES, ITEMS)
        print(
            f"{CANDIDATES:,} x {ITEMS} results written ({results.stat().st_size / 2**20:.1f} MB) "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        small = folder / "small.csv"
        write_results(small, 50, 5)

        celery_app.control.purge()
        worker = Worker("psychometrics", 1, folder / "worker.log")
        worker.start()
        upload_and_wait(plan, small, worker)  # the worker's first task: connections
        runs = []
        for run in range(RUNS):
            worker.reset_peak_memory()
            measured = upload_and_wait(plan, results, worker)
            runs.append(measured)
            print(
                f"run {run + 1}: {measured['wall']:.2f} s upload -> done "
                f"(pickup {measured['pickup'] * 1000:.0f} ms, in the task "
                f"{measured['compute']:.2f} s), worker peak RSS "
                f"{megabytes(measured['peak_kb'])}",
                flush=True,
            )
        wall = statistics.median(run["wall"] for run in runs)
        peak = max(run["peak_kb"] or 0 for run in runs)
        print()
        print(f"Item analysis benchmark ({os.cpu_count()} cores), medians of {RUNS} uploads:")
        print(
            f"{CANDIDATES:,} candidates x {ITEMS} items: upload -> done {wall:.2f} s "
            f"(target < {TARGET_SECONDS} s: {'ok' if wall < TARGET_SECONDS else 'MISSED'}), "
            f"in the task {statistics.median(run['compute'] for run in runs):.2f} s; "
            f"worker peak RSS {megabytes(peak)} (target < 1 GB: "
            f"{'ok' if peak < TARGET_PEAK_KB else 'MISSED'}); alpha {runs[0]['alpha']:.3f}, "
            f"histogram SVG {runs[0]['svg_kb']:.0f} kB."
        )
        print(
            "upload -> done = upload_psychometric_results() call (storing the file, the row, "
            "the hand-off) to the review seen done (polled every "
            f"{POLL_INTERVAL * 1000:.0f} ms); in the task = started_at -> finished_at (reading "
            "the CSV, the statistics, the histogram, the final UPDATE). Peak RSS = the largest "
            "VmHWM of the worker's pool process, reset before each upload and sampled while "
            "waiting."
        )
    except BaseException:
        if worker is not None:
            print(f"--- last lines of the worker log ---\n{worker.log_tail()}", file=sys.stderr)
        raise
    finally:
        if worker is not None:
            worker.stop()
        shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
