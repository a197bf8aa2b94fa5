"""The image's scripts (deploy/build.sh, deploy/start.sh) run on this machine as the image
runs them, with the production settings, and a client that talks to what they serve."""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from psycopg2 import sql

DEPLOY = settings.BASE_DIR / "deploy"


def production_env(**values: str) -> dict[str, str]:
    """The environment docker-compose gives the image's processes: DEBUG off, a secret of
    their own, plain HTTP on loopback (so cookies are not marked secure), no broker (tasks
    run in-process) and no shared cache; `values` added. The scripts find this run's
    python, gunicorn and celery first on the PATH, as the image finds its own."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CELERY_BROKER_URL": "",
        "CACHE_URL": "locmemcache://",
        **values,
    }


def start_script(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`deploy/<args[0]> <args[1:]>`, its output in `log`."""
    return start([DEPLOY / args[0], *args[1:]], env=env, log=log)


def start(command: list, *, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603  (our own commands)
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that stopping it stops all
        )


def finish(process: subprocess.Popen, log: Path, *, timeout: int = 300) -> None:
    if process.wait(timeout=timeout) != 0:
        pytest.fail(f"{process.args} exited with {process.returncode}:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def database_url(settings_dict: dict, *, name: str) -> str:
    """A URL for DATABASE_URL reaching `name` on the server of `settings_dict`."""
    credentials = quote(settings_dict["USER"])
    if settings_dict["PASSWORD"]:
        credentials += f":{quote(settings_dict['PASSWORD'])}"
    host, port = settings_dict["HOST"], settings_dict["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{name}"


@contextmanager
def scratch_database(settings_dict: dict, folder: Path):
    """The URL of an empty database, dropped afterwards: on the tests' PostgreSQL server
    when they run on one, else an SQLite file in `folder`."""
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{folder / 'scratch.sqlite3'}"
        return
    # Named after the database the tests are configured with, as test databases are, and
    # one for each test process.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"test_{settings_dict['NAME']}_scratch" + (f"_{worker}" if worker else "")
    server = psycopg2.connect(
        dbname="postgres",
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
    )
    server.autocommit = True
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        with server.cursor() as cursor:
            cursor.execute(drop)  # left by a run that was killed
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield database_url(settings_dict, name=name)
    finally:
        with server.cursor() as cursor:
            cursor.execute(drop)
        server.close()


class WebProcess:
    """`deploy/start.sh web`: gunicorn on a loopback port of the system's choosing."""

    def __init__(self, env: dict[str, str], log: Path):
        self.log = log
        self.process = start_script("start.sh", "web", env={**env, "BIND": "127.0.0.1:0"}, log=log)
        self.base_url = self._wait_for_address()

    def _wait_for_address(self, timeout: int = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log.read_text())
            if listening:
                return listening[1]
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        stop(self.process)
        pytest.fail(f"gunicorn did not start listening:\n{self.log.read_text()}")

    def stop(self) -> None:
        stop(self.process)


@dataclass
class Response:
    url: str
    status: int
    headers: Message
    body: bytes
    server_log: Path

    @property
    def text(self) -> str:
        return self.body.decode()

    def failure(self) -> str:
        """What to say when this answer was not the one expected: the server's side too."""
        log = self.server_log.read_text()
        return f"{self.url} answered {self.status}. The server's log:\n{log}"


class Browser:
    """Requests to a site with a cookie jar, as a browser sends them; redirects followed."""

    def __init__(self, base_url: str, *, server_log: Path):
        self.base_url = base_url
        self.server_log = server_log
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    # The base URL is the loopback address gunicorn said it listens on (S310: http only).
    def get(self, path: str) -> Response:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310

    def post(self, path: str, data: dict[str, str]) -> Response:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body))  # noqa: S310

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return Response(
                    answer.url, answer.status, answer.headers, answer.read(), self.server_log
                )
        except urllib.error.HTTPError as error:
            return Response(error.url, error.code, error.headers, error.read(), self.server_log)
