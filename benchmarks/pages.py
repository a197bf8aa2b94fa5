"""Page speed benchmark: figures printed, not asserted.

Serves the application (gunicorn, 2 sync workers, PostgreSQL, DEBUG off) and a bare
Django view (benchmarks/bare: 5 queries, 70 rows, a CSRF token, a plain template) side by
side, then loads each page in turn with wrk (2 threads, 16 connections), logged in as the
demo plan's owner, for several interleaved rounds, so that both feel the same machine.
It prints requests per second, p50 and p99 latency per page and the ratio to the bare
view's requests per second in the same round. Run it from the repository root:

    .venv/bin/python benchmarks/pages.py [--rounds 3] [--duration 10]

It needs wrk (Debian's package), PostgreSQL on 127.0.0.1:5432 and, as docker-compose
runs the application, Redis for the cache and sessions (database 14 on 127.0.0.1:6379, or
BENCHMARK_CACHE_URL). It uses databases of
its own (<prefix>_pages and <prefix>_bare, `--database-prefix`, microcred_bench by
default), created if missing, and ports `--port` and the one after it.
"""

import argparse
import os
import secrets
import statistics
import sys
from pathlib import Path

if not __package__:  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.serving import (  # noqa: E402
    APP_SETTINGS,
    BARE_SETTINGS,
    demo_owner_session,
    gunicorn,
    prepare_databases,
    server_environment,
    wrk,
)


def prepare(env: dict, *, app_port: int, bare_port: int) -> dict:
    """Both databases ready, the demo plan loaded; the pages to load, by name."""
    prepare_databases(env)
    owner = demo_owner_session(env)
    plan_id = owner["plan_id"]
    pages = {"bare view": (bare_port, "/"), "plan list": (app_port, "/plans/")}
    pages["dashboard"] = (app_port, f"/plans/{plan_id}/")
    for slug in owner["phase_slugs"]:
        pages[slug] = (app_port, f"/plans/{plan_id}/phases/{slug}/")
    return {"pages": pages, "cookie": f"sessionid={owner['session_key']}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--database-prefix", default="microcred_bench")
    parser.add_argument("--port", type=int, default=8201, help="the application's; bare: +1")
    arguments = parser.parse_args()
    env = server_environment(
        secrets.token_urlsafe(50),
        database_prefix=arguments.database_prefix,
        cache_url=os.environ.get("BENCHMARK_CACHE_URL", "redis://127.0.0.1:6379/14"),
    )
    app_port, bare_port = arguments.port, arguments.port + 1
    setup = prepare(env, app_port=app_port, bare_port=bare_port)
    pages, cookie = setup["pages"], setup["cookie"]
    results: dict[str, list[dict]] = {name: [] for name in pages}
    with (
        gunicorn(env, "microcred.wsgi:application", app_port, APP_SETTINGS),
        gunicorn(env, "benchmarks.bare.wsgi:application", bare_port, BARE_SETTINGS),
    ):
        for port, path in pages.values():  # warm up each page once
            wrk(f"http://127.0.0.1:{port}{path}", cookie, 1)
        for round_number in range(1, arguments.rounds + 1):
            print(f"round {round_number} of {arguments.rounds}", file=sys.stderr)
            for name, (port, path) in pages.items():
                result = wrk(f"http://127.0.0.1:{port}{path}", cookie, arguments.duration)
                results[name].append(result)
    bare_rps = [r["rps"] for r in results["bare view"]]
    print(f"\n{'page':<34}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'÷ bare':>8}")
    for name, runs in results.items():
        ratio = statistics.median(r["rps"] / b for r, b in zip(runs, bare_rps, strict=True))
        print(
            f"{name:<34}{statistics.median(r['rps'] for r in runs):>8.1f}"
            f"{statistics.median(r['p50'] for r in runs):>9.1f}"
            f"{statistics.median(r['p99'] for r in runs):>9.1f}{ratio:>8.2f}"
        )
    print(
        f"\nMedians of {arguments.rounds} interleaved rounds of {arguments.duration} s per page; "
        "ratio = the page's requests/s over the bare view's in the same round. "
        f"CONN_MAX_AGE={env.get('CONN_MAX_AGE', '60 (the default)')} for both."
    )


if __name__ == "__main__":
    main()
