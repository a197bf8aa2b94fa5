"""Serving the application and the bare Django app (benchmarks/bare) side by side, as
docker-compose runs the application, and loading them with wrk: what benchmarks/pages.py
and benchmarks/editing.py share.

Both run under gunicorn with 2 sync workers, against PostgreSQL on 127.0.0.1:5432 in
databases of their own (<prefix>_pages and <prefix>_bare), the application with DEBUG off
and Redis as its cache and for its sessions.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_SERVER = "postgres://postgres@127.0.0.1:5432"
BARE_ROWS = 70
BARE_NOTES = 16  # the rows the bare write view changes, one per connection
APP_SETTINGS = "microcred.settings"
BARE_SETTINGS = "benchmarks.bare.settings"
DEMO_OWNER = "manager"  # the demo plan's owner (microcred/demo)


def server_environment(secret_key: str, *, database_prefix: str, cache_url: str) -> dict:
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
        "CACHE_URL": cache_url,
        "LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
        "BARE_DATABASE_NAME": f"{database_prefix}_bare",
        "PYTHONPATH": str(REPO_ROOT),
    }


def bare_database_url(env: dict) -> str:
    return f"{DATABASE_SERVER}/{env['BARE_DATABASE_NAME']}"


def run_django(
    env: dict, settings: str, *, code: str = "", module: str = "", args: Sequence[str] = ()
) -> str:
    """What a snippet of Python (`code`, with Django set up) or a module run as a script
    with `args` prints, in `settings`."""
    command = ["-m", module, *args] if module else ["-c", "import django; django.setup()\n" + code]
    return subprocess.run(  # noqa: S603
        [PYTHON, *command],
        cwd=REPO_ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": settings},
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def create_database(name: str) -> None:
    subprocess.run(  # noqa: S603
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],  # noqa: S607
        stderr=subprocess.DEVNULL,
        check=False,
    )


def prepare_databases(env: dict) -> None:
    """Both databases created if missing and migrated, the static files collected if
    they changed, the demo plan loaded, the bare app's rows (and the notes its write view
    changes) there."""
    create_database(env["DATABASE_URL"].rsplit("/", 1)[1])
    create_database(env["BARE_DATABASE_NAME"])
    commands = [["migrate", "--noinput"], ["load_demo"]]
    if static_files_changed(Path(env.get("STATIC_ROOT", REPO_ROOT / "staticfiles"))):
        commands.append(["collectstatic", "--noinput"])
    run_django(
        env,
        APP_SETTINGS,
        code="from django.core.management import call_command\n"
        + "".join(f"call_command(*{command}, verbosity=0)\n" for command in commands),
    )
    run_django(
        env,
        BARE_SETTINGS,
        code=(
            "from django.core.management import call_command\n"
            "from benchmarks.bare.models import Note, Row\n"
            "call_command('migrate', '--run-syncdb', '--noinput', verbosity=0)\n"
            f"if Row.objects.count() != {BARE_ROWS}:\n"
            "    Row.objects.all().delete()\n"
            "    Row.objects.bulk_create(\n"
            f"        Row(name=f'Row {{n}}', amount=n) for n in range({BARE_ROWS})\n"
            "    )\n"
            f"for n in range(1, {BARE_NOTES} + 1):\n"
            "    Note.objects.get_or_create(pk=n, defaults={'text': f'Note {n}'})\n"
        ),
    )


def static_files_changed(static_root: Path) -> bool:
    """Whether the collected static files are missing or older than the repository's
    (collecting them, compressed, takes most of a minute)."""
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [
        REPO_ROOT / "static",
        *REPO_ROOT.glob("*/static"),
        *REPO_ROOT.glob("microcred/*/static"),
    ]
    newest = max(
        (file.stat().st_mtime for d in sources for file in d.rglob("*") if file.is_file()),
        default=0.0,
    )
    return newest > manifest.stat().st_mtime


def demo_owner_session(env: dict) -> dict:
    """A session of the demo plan's owner, logged in, and the plan's id and phases."""
    output = run_django(
        env,
        APP_SETTINGS,
        code=(
            "import json\n"
            "from benchmarks.serving import log_in_demo_owner\n"
            "print(json.dumps(log_in_demo_owner()))\n"
        ),
    )
    return json.loads(output)


def log_in_demo_owner() -> dict:
    """Run inside the application's settings: see demo_owner_session."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    from microcred.plans.models import Plan

    user = get_user_model().objects.get(username=DEMO_OWNER)
    plan = Plan.objects.get(title="Data Privacy Fundamentals", created_by=user)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    phases = plan.template_version.phases.order_by("order")
    return {
        "session_key": session.session_key,
        "plan_id": plan.pk,
        "phase_slugs": list(phases.values_list("slug", flat=True)),
    }


@contextlib.contextmanager
def gunicorn(env: dict, module: str, port: int, settings: str) -> Iterator[None]:
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


def run_wrk(
    url: str,
    *,
    duration: float,
    connections: int = 16,
    threads: int = 2,
    headers: Sequence[str] = (),
    script: Path | None = None,
    script_args: Sequence[str] = (),
) -> str:
    """What wrk prints after loading `url`, with a Lua `script` given `script_args`."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    return subprocess.run(  # noqa: S603
        command, check=True, capture_output=True, text=True
    ).stdout


def wrk(url: str, cookie: str, duration: int, *, headers: Sequence[str] = ()) -> dict:
    """Requests per second, p50 and p99 (ms) of loading one page, logged in by `cookie`
    (or by `headers`), with 2 threads and 16 connections."""
    output = run_wrk(url, duration=duration, headers=[f"Cookie: {cookie}", *headers])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url} answered {non_2xx.group(1)} errors:\n{output}")
    return {
        "rps": float(_found(r"Requests/sec:\s+([\d.]+)", output)),
        "p50": milliseconds(_found(r"50%\s+([\d.]+\w+)", output)),
        "p99": milliseconds(_found(r"99%\s+([\d.]+\w+)", output)),
    }


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    if match is None:
        raise RuntimeError(f"No {pattern!r} in wrk's output:\n{text}")
    return match.group(1)


def milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(\w+)", text)
    if match is None:
        raise ValueError(f"Not a wrk duration: {text!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
