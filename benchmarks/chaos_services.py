"""The processes of the chaos benchmark (chaos.py), started as production runs them and
each stopped or broken on purpose: a Redis server of its own, a proxy in front of
PostgreSQL that can refuse connections, gunicorn, a Celery worker and Celery beat."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
READY_TIMEOUT = 60  # seconds for a process to answer after its start


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited at start-up (code {process.returncode}).")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {READY_TIMEOUT} s.")
        time.sleep(0.2)


class Service:
    """One subprocess in a session of its own, so that killing it kills its children too
    (a Celery worker's pool processes, gunicorn's workers)."""

    name = "service"

    def __init__(self, *, env: dict[str, str], log_dir: Path):
        self.env = env
        self.log_path = log_dir / f"{self.name}.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def command(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        return True

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            # A fixed command line: nothing in it comes from outside this script.
            self.process = subprocess.Popen(  # noqa: S603
                self.command(),
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        wait_until(self.ready, self.name, self.process)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """`sig` to the process and every process it started."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return f"(no {self.name} log)"


class Redis(Service):
    """A redis-server of the benchmark's own that keeps nothing on disk: stopped and
    started, it comes back empty, as a broker without persistence does."""

    name = "redis"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.port = free_port()

    def command(self) -> list[str]:
        return [
            "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
        ]

    def ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"


class DatabaseProxy(Service):
    """chaos_proxy.py in front of PostgreSQL: `refuse()` and `accept()`."""

    name = "pg-proxy"

    def __init__(self, *, target_port: int, **kwargs):
        super().__init__(**kwargs)
        self.port = free_port()
        self.target_port = target_port

    def command(self) -> list[str]:
        proxy = REPO_ROOT / "benchmarks" / "chaos_proxy.py"
        return [sys.executable, str(proxy), str(self.port), str(self.target_port)]

    def ready(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def refuse(self) -> None:
        self.process.send_signal(signal.SIGUSR1)

    def accept(self) -> None:
        self.process.send_signal(signal.SIGUSR2)
        wait_until(self.ready, "the database proxy")


class Gunicorn(Service):
    name = "gunicorn"

    def __init__(self, *, workers: int, **kwargs):
        super().__init__(**kwargs)
        self.port = free_port()
        self.workers = workers

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            "microcred.wsgi:application",
            *("--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)),
        ]

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/accounts/login/", timeout=5):  # noqa: S310
                return True
        except (urllib.error.URLError, OSError):
            return False


class CeleryWorker(Service):
    name = "worker"

    def __init__(self, *, concurrency: int, **kwargs):
        super().__init__(**kwargs)
        self.concurrency = concurrency

    def command(self) -> list[str]:
        return [
            str(BIN / "celery"),
            *("-A", "microcred", "worker", "--loglevel=info"),
            f"--concurrency={self.concurrency}",
        ]

    def ready(self) -> bool:
        return "ready." in self.log_path.read_text(errors="replace").split("--- start")[-1]

    def start(self) -> None:
        with open(self.log_path, "a") as log:
            log.write(f"--- start {self.starts + 1}\n")
        super().start()


class CeleryBeat(Service):
    name = "beat"

    def __init__(self, *, schedule: Path, **kwargs):
        super().__init__(**kwargs)
        self.schedule = schedule

    def command(self) -> list[str]:
        return [
            str(BIN / "celery"),
            *("-A", "microcred", "beat", "--loglevel=warning"),
            *("--schedule", str(self.schedule)),
        ]
