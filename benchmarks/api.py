"""API speed benchmark: figures printed, not asserted.

The organization of benchmarks/portfolio.py (500 copies of the demo plan, each with its
answers and every table), read by its admin through the API with a personal access
token: a page of 100 plans (`/api/v1/plans/?page_size=100`), one plan's detail (its
progress and readiness per phase) and its full content (the plan file's document). Served
as benchmarks/pages.py serves pages (gunicorn, 2 sync workers, PostgreSQL, Redis, DEBUG
off), beside the bare Django view (benchmarks/bare: 5 queries, 70 rows), loaded in turn
with wrk (2 threads, 16 connections) for interleaved rounds after a warm-up. It prints the
requests per second of each, p50 and p99 latency, and the ratio to the bare view's in the
same round. Run it from the repository root:

    .venv/bin/python benchmarks/api.py [--plans 500] [--rounds 3] [--duration 10]

It needs what benchmarks/pages.py needs (wrk, PostgreSQL on 127.0.0.1:5432, Redis) and
shares benchmarks/portfolio.py's databases, whose plans are made once and kept.
"""

import json
import sys
from pathlib import Path

if not __package__:  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.portfolio import (  # noqa: E402
    interleaved_rounds,
    portfolio_run,
    print_medians,
)
from benchmarks.serving import (  # noqa: E402
    APP_SETTINGS,
    BARE_SETTINGS,
    gunicorn,
    prepare_databases,
    run_django,
    wrk,
)


def make_api_client(plans: int) -> dict:
    """Run inside the application's settings: the portfolio's organization and a
    read-only token of its admin, who sees every plan of it."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from benchmarks.portfolio import ADMIN, make_portfolio
    from microcred.api.services import create_token

    portfolio = make_portfolio(plans)
    admin = get_user_model().objects.get(username=ADMIN)
    token = create_token(
        user=admin, name="Benchmark", scope="read", expires_at=timezone.now() + timedelta(days=1)
    )
    plan = admin.organization_memberships.get().organization.plans.order_by("pk").first()
    return {"secret": token.secret, "plan": plan.pk, "plans": portfolio["plans"]}


def main() -> None:
    arguments, env = portfolio_run(__doc__.splitlines()[0], port=8221)
    # wrk sends thousands of requests a second: the throttle would answer them with 429.
    env["API_THROTTLE_RATE"] = "100000000/hour"
    prepare_databases(env)
    setup = json.loads(
        run_django(
            env,
            APP_SETTINGS,
            code=(
                "import json\n"
                "from benchmarks.api import make_api_client\n"
                f"print(json.dumps(make_api_client({arguments.plans})))\n"
            ),
        ).splitlines()[-1]
    )
    bearer = [f"Authorization: Bearer {setup['secret']}"]
    app = f"http://127.0.0.1:{arguments.port}/api/v1"
    pages = {
        "bare view": f"http://127.0.0.1:{arguments.port + 1}/",
        f"100 of {setup['plans']} plans": f"{app}/plans/?page_size=100",
        "a plan's detail": f"{app}/plans/{setup['plan']}/",
        "a plan's content": f"{app}/plans/{setup['plan']}/content/",
    }
    with (
        gunicorn(env, "microcred.wsgi:application", arguments.port, APP_SETTINGS),
        gunicorn(env, "benchmarks.bare.wsgi:application", arguments.port + 1, BARE_SETTINGS),
    ):
        for url in pages.values():
            wrk(url, "", 2, headers=bearer)
        results = interleaved_rounds(pages, arguments, cookie="", headers=bearer)
    print_medians(results, heading="request")
    print(
        f"\nMedians of {arguments.rounds} interleaved rounds of {arguments.duration} s per "
        "request, warm; ratio = requests/s over the bare view's in the same round."
    )


if __name__ == "__main__":
    main()
