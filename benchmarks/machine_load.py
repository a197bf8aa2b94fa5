"""The machine's other load while a benchmark measures, read from /proc (Linux): the load
average, and the processes outside the benchmark that used the most CPU meanwhile. The
benchmark's own are this process, its descendants (servers, wrk) and the PostgreSQL
backends of its databases. PostgreSQL's other processes and Redis serve everyone, this
benchmark too: they are marked "shared"."""

import os
import time
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SHARED_SERVICES = ("postgres", "redis-server")


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    command: str
    cpu_seconds: float


def _process(directory: Path) -> Process | None:
    try:
        stat = (directory / "stat").read_text()
        command = (directory / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:  # gone meanwhile
        return None
    name_end = stat.rindex(")")
    fields = stat[name_end + 2 :].split()
    # After the name: state, parent, ...; user and system time are the 12th and 13th.
    return Process(
        pid=int(directory.name),
        parent=int(fields[1]),
        command=command or stat[stat.index("(") + 1 : name_end],
        cpu_seconds=(int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
    )


def processes() -> dict[int, Process]:
    found = (_process(d) for d in Path("/proc").iterdir() if d.name.isdigit())
    return {process.pid: process for process in found if process is not None}


def _descendants(root: int, everyone: dict[int, Process]) -> set[int]:
    children: dict[int, list[int]] = {}
    for process in everyone.values():
        children.setdefault(process.parent, []).append(process.pid)
    found, waiting = {root}, [root]
    while waiting:
        for child in children.get(waiting.pop(), []):
            found.add(child)
            waiting.append(child)
    return found


class LoadWatch:
    """What else ran between start() and report(); `own_marker` names the benchmark's
    PostgreSQL backends (their process title holds their database's name)."""

    def __init__(self, own_marker: str, *, top: int = 4):
        self.own_marker = own_marker
        self.top = top
        self.before: dict[int, Process] = {}
        self.started = time.monotonic()

    def start(self) -> None:
        self.before = processes()
        self.started = time.monotonic()

    def report(self) -> str:
        after = processes()
        seconds = max(time.monotonic() - self.started, 0.001)
        own = _descendants(os.getpid(), after)
        busiest = []
        for pid, process in after.items():
            if pid in own or self.own_marker in process.command:
                continue
            earlier = self.before.get(pid)
            used = process.cpu_seconds - (earlier.cpu_seconds if earlier else 0)
            busiest.append((used / seconds, process.command))
        busiest.sort(reverse=True)
        others = [
            f"{command[:60]}{' (shared)' if command.startswith(SHARED_SERVICES) else ''} "
            f"{share:.0%}"
            for share, command in busiest[: self.top]
            if share >= 0.02
        ]
        load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
        return (
            f"load average {load} on {os.cpu_count()} cores; busiest others meanwhile "
            f"(share of a core): {', '.join(others) or 'none above 2%'}"
        )
