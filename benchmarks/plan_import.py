"""Plan import benchmark: figures printed, not asserted.

Exports the demo plan as its JSON file (answers and tables, as "Download as JSON" writes
it, read back as an upload is) and imports it again and again as a new plan, as "Import
a plan" does once the file is checked (import_plan, DEBUG off). It prints the file's
answers and rows, the median, fastest and slowest time of the imports, and the queries
one import makes. Each imported plan is deleted after its run, outside the time measured.
Run it from the repository root:

    .venv/bin/python benchmarks/plan_import.py [--runs 20]

By default on SQLite, in a database file of its own in a temporary directory (migrated on
every run, which takes a while); on PostgreSQL when DATABASE_URL names one (created if
missing, migrated, the demo plan loaded if it is not there yet).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if not __package__:  # run as a script: the repository root on the path
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.csv_export import configure_environment as production_like_environment  # noqa: E402

RUNS = 20
BENCH_USERNAME = "import-benchmark"


def configure_environment(database_dir: str) -> None:
    """Before django.setup(): csv_export's production-like settings, on a SQLite file of
    its own unless DATABASE_URL says otherwise."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_dir}/plan_import.sqlite3")
    production_like_environment()


def demo_document() -> dict:
    """The demo plan's file as an upload reads it, the database migrated and loaded."""
    from django.core.management import call_command

    from microcred.demo.services import load_demo_data
    from microcred.questionnaires.services import load_default_template
    from microcred.transfer.plan_json import plan_document

    call_command("migrate", interactive=False, verbosity=0)
    load_default_template()
    return json.loads(json.dumps(plan_document(plan=load_demo_data())))


def delete_plan(plan_id: int) -> None:
    """The imported plan, its rows and its answers, and their history."""
    from microcred.plans.models import Answer, Plan
    from microcred.records.registry import REGISTRY

    Answer.history.filter(plan_id=plan_id).delete()
    for record_type in REGISTRY.values():
        record_type.model.history.filter(plan_id=plan_id).delete()
    Plan.objects.filter(pk=plan_id).delete()


def timed_import(document: dict, user) -> float:
    """Seconds one import takes (the plan deleted afterwards)."""
    from microcred.transfer.imports import import_plan

    started = time.perf_counter()
    report = import_plan(document=document, user=user)
    seconds = time.perf_counter() - started
    delete_plan(report.plan_id)
    return seconds


def counted_import(document: dict, user) -> int:
    """The queries one import makes (the plan deleted afterwards)."""
    from django.db import connection

    from microcred.transfer.imports import import_plan

    queries = []

    def count_query(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_query):
        report = import_plan(document=document, user=user)
    delete_plan(report.plan_id)
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="imports timed (median)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plan-import-") as database_dir:
        configure_environment(database_dir)
        url = os.environ["DATABASE_URL"]
        if not url.startswith("sqlite"):
            from benchmarks.pdf_report import ensure_database, redacted

            ensure_database(url)
            url = redacted(url)
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection

        print(f"database {connection.vendor}: {url}", flush=True)
        document = demo_document()
        user, _ = get_user_model().objects.get_or_create(username=BENCH_USERNAME)
        rows = sum(len(record_set["rows"]) for record_set in document["record_sets"])
        print(f"the demo plan's file: {len(document['answers'])} answers, {rows} rows")
        timed_import(document, user)  # warms the caches (questions, forms, templates)
        seconds = [timed_import(document, user) for _ in range(arguments.runs)]
        print(
            f"import: median {statistics.median(seconds) * 1000:.0f} ms over "
            f"{arguments.runs} runs (fastest {min(seconds) * 1000:.0f} ms, slowest "
            f"{max(seconds) * 1000:.0f} ms), {counted_import(document, user)} queries"
        )


if __name__ == "__main__":
    main()
