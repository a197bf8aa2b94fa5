"""Portfolio speed benchmark: figures printed, not asserted.

An organization of 500 plans, each a copy of the demo plan (its answers and every table,
copied as "Copy a plan" does), whose portfolio its admin opens: served as
benchmarks/pages.py serves pages (gunicorn, 2 sync workers, PostgreSQL, Redis for the
cache and sessions, DEBUG off), side by side with the bare Django view (benchmarks/bare:
5 queries, 70 rows), loaded in turn with wrk (2 threads, 16 connections) for several
interleaved rounds after a warm-up, so that both feel the same machine. It prints the
requests per second of each, p50 and p99 latency and the ratio of the portfolio's to the
bare view's in the same round (goal: at least 0.5). Run it from the repository root:

    .venv/bin/python benchmarks/portfolio.py [--plans 500] [--rounds 3] [--duration 10]

It needs what benchmarks/pages.py needs (wrk, PostgreSQL on 127.0.0.1:5432, Redis), and
uses the same databases (<prefix>_pages and <prefix>_bare); the plans are made once (a few
minutes) and kept for the next run.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
import urllib.request
from pathlib import Path

if not __package__:  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.serving import (  # noqa: E402
    APP_SETTINGS,
    BARE_SETTINGS,
    DEMO_OWNER,
    gunicorn,
    prepare_databases,
    run_django,
    server_environment,
    wrk,
)

ORGANIZATION = "Benchmark College"
ADMIN = "portfolio-admin"


def make_portfolio(plans: int) -> dict:
    """Run inside the application's settings: ORGANIZATION with `plans` copies of the
    demo plan (made when it has fewer) and a session of its admin, ADMIN."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.utils.text import slugify

    from microcred.organizations.models import Organization, OrganizationMembership
    from microcred.plans.models import Plan
    from microcred.transfer.copies import COPIED
    from microcred.transfer.imports import import_plan
    from microcred.transfer.plan_json import plan_document

    users = get_user_model().objects
    owner = users.get(username=DEMO_OWNER)
    demo = Plan.objects.get(title="Data Privacy Fundamentals", created_by=owner)
    organization, _ = Organization.objects.get_or_create(
        name=ORGANIZATION, defaults={"slug": slugify(ORGANIZATION)}
    )
    OrganizationMembership.objects.get_or_create(
        organization=organization, user=owner, role=OrganizationMembership.Role.PROGRAM_MANAGER
    )
    admin, _ = users.get_or_create(username=ADMIN, defaults={"first_name": "Ada"})
    OrganizationMembership.objects.get_or_create(
        organization=organization, user=admin, role=OrganizationMembership.Role.ADMIN
    )
    document = plan_document(plan=demo, options=COPIED)
    for number in range(organization.plans.count(), plans):
        import_plan(
            document=document,
            user=owner,
            title=f"Portfolio plan {number + 1}",
            template_version=demo.template_version,
            copied_from=demo,
            organization=ORGANIZATION,
        )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.create()
    return {
        "session_key": session.session_key,
        "path": f"/organizations/{organization.slug}/portfolio/",
        "plans": organization.plans.count(),
    }


def warm_up(url: str, cookie: str) -> float:
    """Seconds one request takes, alone: the portfolio's first works out every plan."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        response.read()
    took = time.monotonic() - started
    print(f"first (cold) request: {took:.1f} s", file=sys.stderr)
    return took


def portfolio_run(description: str, *, port: int) -> tuple[argparse.Namespace, dict]:
    """The command line of a benchmark of the portfolio's plans (this one's, api.py's),
    and the environment its servers run in."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--plans", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--database-prefix", default="microcred_bench")
    parser.add_argument("--port", type=int, default=port, help="the application's; bare: +1")
    arguments = parser.parse_args()
    env = server_environment(
        secrets.token_urlsafe(50),
        database_prefix=arguments.database_prefix,
        cache_url=os.environ.get("BENCHMARK_CACHE_URL", "redis://127.0.0.1:6379/14"),
    )
    return arguments, env


def interleaved_rounds(
    pages: dict[str, str], arguments: argparse.Namespace, *, cookie: str, headers=()
) -> dict[str, list[dict]]:
    """wrk's figures of each page (the bare view first), page after page, round after
    round, so that every page feels the same machine."""
    results: dict[str, list[dict]] = {name: [] for name in pages}
    for round_number in range(1, arguments.rounds + 1):
        print(f"round {round_number} of {arguments.rounds}", file=sys.stderr)
        for name, url in pages.items():
            results[name].append(wrk(url, cookie, arguments.duration, headers=headers))
            print(f"  {name}: {results[name][-1]['rps']:.1f} req/s", file=sys.stderr)
    return results


def print_medians(results: dict[str, list[dict]], *, heading: str) -> None:
    """Each page's medians, and its ratio to the bare view's requests per second in the
    same round."""
    bare_rps = [r["rps"] for r in results["bare view"]]
    print(f"\n{heading:<28}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'÷ bare':>8}")
    for name, runs in results.items():
        ratio = statistics.median(r["rps"] / b for r, b in zip(runs, bare_rps, strict=True))
        print(
            f"{name:<28}{statistics.median(r['rps'] for r in runs):>8.1f}"
            f"{statistics.median(r['p50'] for r in runs):>9.1f}"
            f"{statistics.median(r['p99'] for r in runs):>9.1f}{ratio:>8.2f}"
        )


def main() -> None:
    arguments, env = portfolio_run(__doc__.splitlines()[0], port=8211)
    prepare_databases(env)
    setup = json.loads(
        run_django(
            env,
            APP_SETTINGS,
            code=(
                "import json\n"
                "from benchmarks.portfolio import make_portfolio\n"
                f"print(json.dumps(make_portfolio({arguments.plans})))\n"
            ),
        ).splitlines()[-1]
    )
    cookie = f"sessionid={setup['session_key']}"
    app_port, bare_port = arguments.port, arguments.port + 1
    portfolio = f"portfolio ({setup['plans']} plans)"
    pages = {
        "bare view": f"http://127.0.0.1:{bare_port}/",
        portfolio: f"http://127.0.0.1:{app_port}{setup['path']}",
    }
    with (
        gunicorn(env, "microcred.wsgi:application", app_port, APP_SETTINGS),
        gunicorn(env, "benchmarks.bare.wsgi:application", bare_port, BARE_SETTINGS),
    ):
        # Warm: one request works the plans out and caches them, then each page is loaded.
        warm_up(pages[portfolio], cookie)
        for url in pages.values():
            wrk(url, cookie, 2)
        results = interleaved_rounds(pages, arguments, cookie=cookie)
    print_medians(results, heading="page")
    print(
        f"\nMedians of {arguments.rounds} interleaved rounds of {arguments.duration} s per page, "
        "warm (each page loaded before); ratio = the portfolio's requests/s over the bare "
        "view's in the same round (goal: at least 0.5)."
    )


if __name__ == "__main__":
    main()
