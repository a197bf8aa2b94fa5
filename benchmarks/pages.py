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
import contextlib
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_SERVER = "postgres://postgres@127.0.0.1:5432"
BARE_ROWS = 70


def server_environment(secret_key: str, *, database_prefix: str) -> dict:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": f"{DATABASE_SERVER}/{database_prefix}_pages",
        "CELERY_BROKER_URL": "",
        # As docker-compose runs it: cached pages and sessions in Redis.
        "CACHE_URL": os.environ.get("BENCHMARK_CACHE_URL", "redis://127.0.0.1:6379/14"),
        "LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
        "BARE_DATABASE_NAME": f"{database_prefix}_bare",
        "PYTHONPATH": str(REPO_ROOT),
    }


def manage(env: dict, *args: str, settings: str | None = None) -> None:
    if settings:
        env = {**env, "DJANGO_SETTINGS_MODULE": settings}
    subprocess.run(  # noqa: S603
        [PYTHON, "-c", "import django.core.management as m; m.execute_from_command_line()", *args],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def create_database(name: str) -> None:
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],  # noqa: S607
        stderr=subprocess.DEVNULL,
        check=False,
    )


def prepare(env: dict, *, app_port: int, bare_port: int) -> dict:
    """Both databases ready, the demo plan loaded; the pages to load, by name."""
    create_database(env["DATABASE_URL"].rsplit("/", 1)[1])
    create_database(env["BARE_DATABASE_NAME"])
    manage(env, "migrate", "--noinput", settings="microcred.settings")
    manage(env, "collectstatic", "--noinput", settings="microcred.settings")
    manage(env, "load_demo", settings="microcred.settings")
    manage(env, "migrate", "--run-syncdb", "--noinput", settings="benchmarks.bare.settings")
    code = (
        "import django; django.setup()\n"
        "from benchmarks.bare.models import Row\n"
        f"if Row.objects.count() != {BARE_ROWS}:\n"
        "    Row.objects.all().delete()\n"
        "    Row.objects.bulk_create(\n"
        f"        Row(name=f'Row {{n}}', amount=n) for n in range({BARE_ROWS})\n"
        "    )\n"
    )
    subprocess.run(  # noqa: S603
        [PYTHON, "-c", code],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "benchmarks.bare.settings"},
        check=True,
    )
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from microcred.plans.models import Plan\n"
        "plan = Plan.objects.get(\n"
        "    title='Data Privacy Fundamentals', created_by__username='manager'\n"
        ")\n"
        "user = plan.created_by\n"
        "session = SessionStore()\n"
        "session[SESSION_KEY] = str(user.pk)\n"
        "session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "session[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "session.create()\n"
        "phases = plan.template_version.phases.order_by('order')\n"
        "slugs = ' '.join(phases.values_list('slug', flat=True))\n"
        "print(session.session_key, plan.pk, slugs)\n"
    )
    output = subprocess.run(  # noqa: S603
        [PYTHON, "-c", code],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "microcred.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    session_key, plan_id, slugs = output[0], output[1], output[2:]
    pages = {"bare view": (bare_port, "/"), "plan list": (app_port, "/plans/")}
    pages["dashboard"] = (app_port, f"/plans/{plan_id}/")
    for slug in slugs:
        pages[slug] = (app_port, f"/plans/{plan_id}/phases/{slug}/")
    return {"pages": pages, "cookie": f"sessionid={session_key}"}


@contextlib.contextmanager
def gunicorn(env: dict, module: str, port: int, settings: str):
    process = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "gunicorn",
            module,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310
                break
            except OSError as error:
                if getattr(error, "code", None):  # an HTTP answer: the server is up
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn on port {port} did not start") from error
                time.sleep(0.3)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, cookie: str, duration: int) -> dict:
    output = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "wrk",
            "-t2",
            "-c16",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url} answered {non_2xx.group(1)} errors:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
    }


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--database-prefix", default="microcred_bench")
    parser.add_argument("--port", type=int, default=8201, help="the application's; bare: +1")
    arguments = parser.parse_args()
    env = server_environment(secrets.token_urlsafe(50), database_prefix=arguments.database_prefix)
    app_port, bare_port = arguments.port, arguments.port + 1
    setup = prepare(env, app_port=app_port, bare_port=bare_port)
    pages, cookie = setup["pages"], setup["cookie"]
    results: dict[str, list[dict]] = {name: [] for name in pages}
    with (
        gunicorn(env, "microcred.wsgi:application", app_port, "microcred.settings"),
        gunicorn(env, "benchmarks.bare.wsgi:application", bare_port, "benchmarks.bare.settings"),
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
