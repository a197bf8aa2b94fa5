"""CSV export benchmark: figures printed, not asserted.

Copies the demo plan's answers and price tiers into 100, then 500 plans (bulk inserts,
not the services: only the rows the exports read), and streams the answers CSV and the
price tiers CSV through the views (Django's test client, DEBUG off, PostgreSQL) as a
program manager who is a member of all of them. For each size it prints the time
(median of 3), rows, bytes, queries and the peak of Python's memory while streaming
(tracemalloc, in a run of its own since tracing slows the code down). Run it from the
repository root:

    .venv/bin/python benchmarks/csv_export.py

DATABASE_URL defaults to a database of the benchmark's own (created if missing); the
benchmark's plans are deleted and created again on every run.
"""

import os
import resource
import secrets
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/microcred_csv_bench"
PLAN_COUNTS = (100, 500)
RUNS = 3
BENCH_USERNAME = "csv-benchmark"
TITLE_PREFIX = "CSV benchmark plan"


def configure_environment() -> None:
    """Before django.setup(): production-like settings (DEBUG off keeps Django from
    recording every query in memory)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(40)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def copy_demo_plan(*, demo, user, first: int, count: int) -> None:
    """`count` plans numbered from `first`, each with the demo plan's answers and price
    tiers, and `user` as their owner."""
    from microcred.plans.models import Answer, Plan, PlanMembership
    from planning.models import PriceTier

    plans = Plan.objects.bulk_create(
        Plan(
            title=f"{TITLE_PREFIX} {number}",
            slug=f"csv-benchmark-plan-{number}",
            organization=demo.organization,
            summary=demo.summary,
            currency=demo.currency,
            template_version_id=demo.template_version_id,
            created_by=user,
        )
        for number in range(first, first + count)
    )
    PlanMembership.objects.bulk_create(
        PlanMembership(plan=plan, user=user, role=PlanMembership.Role.OWNER) for plan in plans
    )
    answers = list(demo.answers.exclude(value=None))
    Answer.objects.bulk_create(
        (
            Answer(
                plan=plan,
                question_id=answer.question_id,
                value=answer.value,
                revision=1,
                updated_by_id=answer.updated_by_id,
                updated_at=answer.updated_at,
            )
            for plan in plans
            for answer in answers
        ),
        batch_size=2000,
    )
    copied_fields = [
        field.attname
        for field in PriceTier._meta.concrete_fields
        if not field.primary_key and field.name != "plan"
    ]
    tiers = [
        {name: getattr(tier, name) for name in copied_fields}
        for tier in PriceTier.objects.filter(plan=demo)
    ]
    PriceTier.objects.bulk_create(
        (PriceTier(plan=plan, **tier) for plan in plans for tier in tiers), batch_size=2000
    )


def stream(client, url) -> tuple[int, int]:
    """Read the response a chunk at a time, as a client would: its rows and bytes."""
    response = client.get(url, secure=True)
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    response.close()
    return lines - 1, size  # without the header (no cell here holds a CRLF)


def measure(client, url) -> dict:
    from django.db import connection

    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        rows, size = stream(client, url)
        seconds.append(time.perf_counter() - started)
    queries = []

    def count_query(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_query):
        stream(client, url)
    tracemalloc.start()
    stream(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": statistics.median(seconds),
        "rows": rows,
        "bytes": size,
        "queries": len(queries),
        "peak": peak,
    }


def main() -> None:
    configure_environment()
    from benchmarks.pdf_report import ensure_database, redacted

    ensure_database(os.environ["DATABASE_URL"])
    print(f"database {redacted(os.environ['DATABASE_URL'])}", flush=True)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from microcred.demo.services import load_demo_data
    from microcred.plans.models import Answer, Plan
    from microcred.questionnaires.services import load_default_template

    call_command("migrate", interactive=False, verbosity=0)
    load_default_template()
    demo = load_demo_data()
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USERNAME)
    old = Plan.objects.filter(title__startswith=TITLE_PREFIX)
    Answer.history.filter(plan_id__in=old.values("pk")).delete()
    old.delete()
    client = Client()
    client.force_login(user)
    urls = {
        "answers": reverse("transfer:csv_answers"),
        "price tiers": reverse(
            "transfer:csv_records", kwargs={"record_type": "planning.price_tiers"}
        ),
    }
    print(
        f"{'plans':>5}  {'CSV':<11}  {'time':>7}  {'rows':>6}  {'bytes':>10}  "
        f"{'queries':>7}  {'peak Python memory':>18}"
    )
    made = 0
    for count in PLAN_COUNTS:
        with transaction.atomic():
            copy_demo_plan(demo=demo, user=user, first=made, count=count - made)
        made = count
        for label, url in urls.items():
            figures = measure(client, url)
            print(
                f"{count:>5}  {label:<11}  {figures['seconds']:>6.2f}s  {figures['rows']:>6,}  "
                f"{figures['bytes']:>10,}  {figures['queries']:>7}  "
                f"{figures['peak'] / 2**20:>15.1f} MB",
                flush=True,
            )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process over every run: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
