"""The editing benchmark's client works: its options, what it tells wrk's script, and the
script itself saving against a server that costs nothing (no timings: the benchmark
prints those)."""

import shutil
import socket

import pytest

from benchmarks.editing import (
    EDITORS_SCRIPT,
    editor_argument,
    parse_arguments,
    parse_result,
)
from benchmarks.null_server import null_server
from benchmarks.serving import run_wrk


def note_editor(note_id: int) -> dict:
    return {
        "path": f"/notes/{note_id}/",
        "body": "text=Note+%C2%B7+edit+{rev}&revision={rev}",
        "revision_input": f"note-{note_id}-revision",
        "revision_of": ["bare_note", note_id],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def save_against_null_server(editors: list[str]) -> dict:
    """wrk's result with one connection (and thread) an editor, for a second."""
    port = free_port()
    with null_server(port):
        output = run_wrk(
            f"http://127.0.0.1:{port}",
            duration=1,
            connections=len(editors),
            threads=len(editors),
            script=EDITORS_SCRIPT,
            script_args=editors,
        )
    return parse_result(output)


def test_quick_is_one_short_round():
    quick = parse_arguments(["--quick"])
    assert (quick.rounds, quick.duration, quick.quick) == (1, 2, True)
    assert (parse_arguments([]).rounds, parse_arguments([]).duration) == (3, 10)


def test_an_editor_is_one_tab_separated_argument():
    argument = editor_argument(note_editor(3), 7, "/")
    assert argument.split("\t") == [
        "/notes/3/",
        "text=Note+%C2%B7+edit+{rev}&revision={rev}",
        "note-3-revision",
        "7",
        "/",
    ]
    with pytest.raises(ValueError, match="tab"):
        editor_argument({**note_editor(3), "path": "/a\tb/"}, 7, "")


def test_the_result_line_is_read_among_wrk_s_own():
    output = "Running 2s test\n  2 threads\nediting-result saves=12 revisions=4,9 save_p50=1.50\n"
    assert parse_result(output) == {"saves": 12.0, "revisions": ["4", "9"], "save_p50": 1.5}


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian's package) is not installed")
def test_each_editor_saves_from_the_revision_its_last_save_returned():
    result = save_against_null_server(
        [editor_argument(note_editor(1), 5, ""), editor_argument(note_editor(2), 0, "/")]
    )
    assert result["failures"] == 0
    assert result["saves"] > 2
    # Each save returned the next revision, from which the next save started.
    first, second = (int(revision) for revision in result["revisions"])
    assert first > 5 and second > 0
    assert result["cycles"] >= result["saves"] - 2  # the second editor loads a page each time
    assert result["page_p50"] >= 0


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk (Debian's package) is not installed")
def test_a_response_without_the_editor_s_new_revision_is_a_failure():
    misread = {**note_editor(1), "revision_input": "note-99-revision"}
    result = save_against_null_server([editor_argument(misread, 5, "")])
    assert (result["saves"], result["cycles"], result["revisions"]) == (0, 0, ["5"])
    assert result["failures"] > 0
