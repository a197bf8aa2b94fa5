"""The tables that benchmarks/editing.py prints: what an editor does, the application's
figures, the bare app's in the same run and their ratio, medians over the rounds; then
each load's own figures, with its failures and how much of a core the client used."""

import statistics
from collections.abc import Callable

PROJECT, BARE, NULL = "project", "bare", "null"
PLANNING = "strategic-planning"
Results = dict[tuple[str, str], list[dict]]


def median(runs: list[dict], name: str) -> float:
    return statistics.median(run[name] for run in runs)


def ratio(app: list[dict], bare: list[dict], speed: Callable[[dict], float]) -> str:
    """The application's speed over the bare app's, round by round (the median)."""
    pairs = [(speed(a), speed(b)) for a, b in zip(app, bare, strict=True)]
    if any(b <= 0 for _, b in pairs):
        return "–"
    return f"{statistics.median(max(a, 0) / b for a, b in pairs):.2f}"


def rate(runs: list[dict], unit: str) -> str:
    return f"{median(runs, 'rate'):,.1f} {unit}/s"


def p50(runs: list[dict], kind: str) -> str:
    """The median of the rounds' p50s (a round in which none finished left out)."""
    finished = [run[f"{kind}_p50"] for run in runs if run[f"{kind}_p50"] >= 0]
    return f"p50 {statistics.median(finished):.1f} ms" if finished else "none finished"


def by_rate(run: dict) -> float:
    return run["rate"]


def by_page_p50(run: dict) -> float:
    return 1 / run["page_p50"] if run["page_p50"] > 0 else 0


def table_rows(results: Results, *, app: dict, bare: dict) -> list[list[str]]:
    app_queries, bare_queries = app["queries"], bare["queries"]
    titles = app["phase_titles"]

    def save_row(what: str, name: str, project_extra: str = "", bare_extra: str = ""):
        runs, bare_runs = results[(name, PROJECT)], results[(name.replace("rows", "save"), BARE)]
        return [
            what,
            f"{rate(runs, 'saves')}, {p50(runs, 'save')}{project_extra}",
            f"{rate(bare_runs, 'writes')}, {p50(bare_runs, 'save')}{bare_extra}",
            ratio(runs, bare_runs, by_rate),
        ]

    def cycle_row(users: int) -> list[str]:
        runs, bare_runs = results[(f"cycle {users}", PROJECT)], results[(f"cycle {users}", BARE)]
        return [
            f"saves an answer, then loads {titles[PLANNING]}: {users} user{'s' * (users > 1)}",
            f"{rate(runs, 'cycles')}, {p50(runs, 'cycle')}",
            f"bare write + bare page: {rate(bare_runs, 'cycles')}, {p50(bare_runs, 'cycle')}",
            ratio(runs, bare_runs, by_rate),
        ]

    bare_page = results[("cycle 1", BARE)]

    def cold_row(slug: str, runs: list[dict]) -> list[str]:
        return [
            f"{titles[slug]} right after a save (cold): 1 user",
            f"{p50(runs, 'page')}, {app_queries['page after a save'][slug]} queries",
            f"bare page after a bare write: {p50(bare_page, 'page')}, "
            f"{bare_queries['page']} queries",
            ratio(runs, bare_page, by_page_p50),
        ]

    row_queries = ", ".join(f"{n} ({name})" for name, n in app_queries["row save"].items())
    bare_write = f", {bare_queries['write']} queries"
    rows = [
        save_row(
            "autosaves one answer: 1 user",
            "save 1",
            f", {app_queries['answer save']} queries",
            bare_write,
        ),
        save_row("autosaves answers: 16 users", "save 16"),
        save_row(
            "autosaves a table cell: 16 users",
            "rows 16",
            f", queries per save: {row_queries}",
            bare_write,
        ),
        cycle_row(1),
        cycle_row(16),
        cold_row(PLANNING, results[("cycle 1", PROJECT)]),
    ]
    for (name, server), runs in results.items():
        if name.startswith("cold ") and server == PROJECT:
            rows.append(cold_row(name.removeprefix("cold "), runs))
    return rows


def print_report(results: Results, *, app: dict, bare: dict, rounds: int, duration: int) -> None:
    print("\n| what an editor does | project | bare baseline, same run | ratio |")
    print("|---|---|---|---|")
    for row in table_rows(results, app=app, bare=bare):
        print(f"| {' | '.join(row)} |")
    ceiling = results[("save 16", NULL)]
    client_cpu = max(
        run["client_cpu"] for (_, server), runs in results.items() if server != NULL for run in runs
    )
    print(
        f"\nMedians of {rounds} interleaved round(s) of {duration} s per load. Ratio: the "
        "project's rate over the bare app's in the same round (for a page, the bare page's "
        "p50 over the project's); below 1 is slower than bare Django. The 16 users of the "
        f"answers each edit their own question of {app['phase_titles'][PLANNING]} in the "
        "demo plan (one plan, so their saves take turns at its lock); those of the table "
        f"cells each their own row: {', '.join(app['row_editors_named'])}. The client "
        f"(wrk, editing.lua) saved {median(ceiling, 'rate'):,.0f} times/s with 16 users "
        f"against a server that costs nothing, and used at most {client_cpu:.0%} of a core "
        "loading the project or the bare app: it is not what limits these figures."
    )
    print(
        "\n| load | server | per s | save p50/p99 ms | page p50/p99 ms | cycle p50/p99 ms | "
        "failures | client CPU |\n|---|---|---|---|---|---|---|---|"
    )
    for (name, server), runs in results.items():
        figures = [
            f"{median(runs, f'{kind}_p50'):.1f}/{median(runs, f'{kind}_p99'):.1f}"
            if median(runs, f"{kind}_p50") >= 0
            else "–"
            for kind in ("save", "page", "cycle")
        ]
        failures = sum(run["failures"] + run["socket_errors"] for run in runs)
        client = max(run["client_cpu"] for run in runs)
        print(
            f"| {name} | {server} | {median(runs, 'rate'):,.1f} | {' | '.join(figures)} | "
            f"{failures:.0f} | {client:.0%} |"
        )
