"""Editing speed benchmark: figures printed, not asserted.

What an editor waits for: autosaving an answer or a table's cell, and a phase page after
a change, measured against the bare Django app (benchmarks/bare) in the same run. Both are
served as benchmarks/pages.py serves them (gunicorn, 2 sync workers, PostgreSQL, Redis,
DEBUG off), logged in as the demo plan's owner, and loaded with wrk running
benchmarks/editing.lua: each connection is one editor that saves its own answer (or row,
or bare note) over and over with the revision its last save returned, and loads a page
after each save where a cycle calls for it. A save refused as stale counts as a failure.
The loads run in interleaved rounds, each round followed by the machine's other load; in
each round the same client also saves against a server that costs nothing, its ceiling.

    .venv/bin/python benchmarks/editing.py [--rounds 3] [--duration 10] [--quick]

It needs wrk (Debian's package), PostgreSQL on 127.0.0.1:5432 and Redis (database 15 on
127.0.0.1:6379, or `--cache-url`). It uses databases of its own (<prefix>_pages and
<prefix>_bare, `--database-prefix`), created if missing, whose answers and rows it
changes, and ports `--port` to two after it.
"""

import argparse
import json
import resource
import secrets
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a script: the repository root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.editing_report import PROJECT, print_report  # noqa: E402
from benchmarks.machine_load import LoadWatch  # noqa: E402
from benchmarks.null_server import null_server  # noqa: E402
from benchmarks.serving import (  # noqa: E402
    APP_SETTINGS,
    BARE_SETTINGS,
    PYTHON,
    REPO_ROOT,
    bare_database_url,
    gunicorn,
    prepare_databases,
    run_django,
    run_wrk,
    server_environment,
)

EDITORS_SCRIPT = Path(__file__).resolve().parent / "editing.lua"
PLAN_IMPORT = Path(__file__).resolve().parent / "plan_import.py"
PLANNING = "strategic-planning"
EDITORS = 16
BARE, NULL = "bare", "null"
# A light page of each server, loaded after a run until it answers: see Runner.settle.
LIGHT_PAGES = {PROJECT: "/accounts/login/", BARE: "/", NULL: "/"}


@dataclass(frozen=True)
class Load:
    """One wrk run: an editor per connection, on one server (PROJECT, BARE or NULL)."""

    name: str
    server: str
    editors: list[dict]
    page_path: str = ""


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 1 round of 2 s per load, no warm-up, the cold page of Strategic "
        "Planning only",
    )
    parser.add_argument("--database-prefix", default="microcred_bench_editing")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument(
        "--port", type=int, default=8211, help="the application's; bare: +1, null: +2"
    )
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.rounds, arguments.duration = 1, 2
    return arguments


def editor_argument(editor: dict, revision: int, page_path: str) -> str:
    """An editor as editing.lua takes it (tab-separated)."""
    fields = [editor["path"], editor["body"], editor["revision_input"], str(revision), page_path]
    if any("\t" in field for field in fields):
        raise ValueError(f"A tab in an editor's request: {fields}")
    return "\t".join(fields)


def parse_result(output: str) -> dict:
    """editing.lua's result line, as numbers (revisions as a list)."""
    line = next(line for line in output.splitlines() if line.startswith("editing-result "))
    result: dict = {}
    for pair in line.split()[1:]:
        name, value = pair.split("=", 1)
        result[name] = value.split(",") if name == "revisions" else float(value)
    return result


def csrf_headers(url: str, cookie: str) -> list[str]:
    """The headers of an editor's requests: the cookies, with the CSRF cookie a page sets,
    and the token the page carries, as htmx sends it."""
    request = urllib.request.Request(  # noqa: S310 (the servers' own http URLs)
        url, headers={"Cookie": cookie} if cookie else {}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        page = response.read().decode()
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    csrf_cookie = next(c for c in cookies if c.startswith("csrftoken="))
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.index(marker) + len(marker)
    token = page[start : page.index('"', start)]
    return [
        f"Cookie: {'; '.join(filter(None, [cookie, csrf_cookie]))}",
        f"X-CSRFToken: {token}",
        "HX-Request: true",
    ]


class Runner:
    """Runs loads on the servers, each editor from its revision as stored now."""

    def __init__(self, *, urls: dict[str, str], headers: dict[str, list[str]], env: dict):
        import psycopg2  # type: ignore[import-untyped]

        self.urls = urls
        self.headers = {**headers, NULL: headers[BARE]}
        project = psycopg2.connect(env["DATABASE_URL"])
        bare = psycopg2.connect(bare_database_url(env))
        self.databases = {PROJECT: project, BARE: bare, NULL: bare}
        for connection in (project, bare):
            connection.autocommit = True

    def settle(self, server: str) -> None:
        """Wait for the requests wrk sent but left unanswered when it stopped: a server
        answers them all the same, which would slow the next run. A new connection waits
        behind them; two in turn, as two workers take them."""
        for _ in range(2):
            url = self.urls[server] + LIGHT_PAGES[server]
            urllib.request.urlopen(url, timeout=300).read()  # noqa: S310

    def revision(self, load: Load, editor: dict) -> int:
        from psycopg2 import sql

        table, pk = editor["revision_of"]
        query = sql.SQL("SELECT revision FROM {} WHERE id = %s").format(sql.Identifier(table))
        with self.databases[load.server].cursor() as cursor:
            cursor.execute(query, [pk])
            return cursor.fetchone()[0]

    def run(self, load: Load, duration: int) -> dict:
        arguments = [
            editor_argument(editor, self.revision(load, editor), load.page_path)
            for editor in load.editors
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = run_wrk(
            self.urls[load.server],
            duration=duration,
            connections=len(arguments),
            threads=len(arguments),
            headers=self.headers[load.server],
            script=EDITORS_SCRIPT,
            script_args=arguments,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.settle(load.server)
        result = parse_result(output)
        client_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        result["client_cpu"] = client_cpu / result["seconds"]
        result["rate"] = result["cycles"] / result["seconds"]
        return result


def loads(app: dict, bare: dict, *, quick: bool) -> list[Load]:
    """What the editors do, each application load beside its bare one, in the order run."""
    planning_page = app["page_paths"][PLANNING]
    answers = app["answer_editors"][PLANNING][:EDITORS]
    if len(answers) < EDITORS or len(app["row_editors"]) < EDITORS:
        raise RuntimeError("The demo plan has fewer than 16 answers or rows to edit.")
    notes = bare["editors"]
    found = [
        Load("save 1", PROJECT, answers[:1]),
        Load("save 1", BARE, notes[:1]),
        Load("save 16", PROJECT, answers),
        Load("save 16", BARE, notes),
        Load("rows 16", PROJECT, app["row_editors"]),
        Load("save 16", NULL, notes),
        Load("cycle 1", PROJECT, answers[:1], planning_page),
        Load("cycle 1", BARE, notes[:1], bare["page_path"]),
        Load("cycle 16", PROJECT, answers, planning_page),
        Load("cycle 16", BARE, notes, bare["page_path"]),
    ]
    for slug, editors in app["answer_editors"].items():
        if slug != PLANNING and not quick:
            found.append(Load(f"cold {slug}", PROJECT, editors[:1], app["page_paths"][slug]))
    return found


def run_plan_import(env: dict) -> None:
    print("\nImporting the demo plan's JSON (benchmarks/plan_import.py):")
    if not PLAN_IMPORT.exists():
        print("skipped: benchmarks/plan_import.py is not there (yet).")
        return
    completed = subprocess.run(  # noqa: S603
        [PYTHON, str(PLAN_IMPORT)], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    print(completed.stdout + completed.stderr)


def main() -> None:
    arguments = parse_arguments()
    env = server_environment(
        secrets.token_urlsafe(50),
        database_prefix=arguments.database_prefix,
        cache_url=arguments.cache_url,
    )
    started = time.monotonic()
    print("preparing the databases and the editors", file=sys.stderr)
    prepare_databases(env)
    app = json.loads(run_django(env, APP_SETTINGS, module="benchmarks.editing_setup", args=["app"]))
    bare = json.loads(run_django(env, BARE_SETTINGS, module="benchmarks.editing_setup"))
    print(f"prepared in {time.monotonic() - started:.0f} s", file=sys.stderr)
    ports = {PROJECT: arguments.port, BARE: arguments.port + 1, NULL: arguments.port + 2}
    urls = {server: f"http://127.0.0.1:{port}" for server, port in ports.items()}
    watch = LoadWatch(f"{arguments.database_prefix}_")
    results: dict[tuple[str, str], list[dict]] = {}
    with (
        gunicorn(env, "microcred.wsgi:application", ports[PROJECT], APP_SETTINGS),
        gunicorn(env, "benchmarks.bare.wsgi:application", ports[BARE], BARE_SETTINGS),
        null_server(ports[NULL]),
    ):
        owner = f"sessionid={app['session_key']}"
        headers = {
            PROJECT: csrf_headers(urls[PROJECT] + app["page_paths"][PLANNING], owner),
            BARE: csrf_headers(urls[BARE] + bare["page_path"], ""),
        }
        runner = Runner(urls=urls, headers=headers, env=env)
        all_loads = loads(app, bare, quick=arguments.quick)
        for load in all_loads if not arguments.quick else []:
            if load.name in ("cycle 16", "rows 16"):  # every server process on every request
                runner.run(load, 1)
        for round_number in range(1, arguments.rounds + 1):
            print(f"round {round_number} of {arguments.rounds}", file=sys.stderr)
            watch.start()
            for load in all_loads:
                results.setdefault((load.name, load.server), []).append(
                    runner.run(load, arguments.duration)
                )
            print(f"round {round_number}: {watch.report()}")
    print_report(results, app=app, bare=bare, rounds=arguments.rounds, duration=arguments.duration)
    run_plan_import(env)


if __name__ == "__main__":
    main()
