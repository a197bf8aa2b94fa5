"""mypy holds callers to the engine's plug points: what an item carries from the layers
above (selectors.QuestionItem), the kinds registry and what a kind is built from. A
caller that puts something else there is an error, not a page that breaks later."""

import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(find_spec("mypy") is None, reason="mypy is a dev dependency")

WRONG_CALLERS = """\
from microcred.questionnaires.kinds import KINDS, clean_value
from microcred.questionnaires.kinds.text import TextKind
from microcred.questionnaires.selectors import QuestionItem


def put_wrong_things_in_an_item(item: QuestionItem) -> None:
    item.record_set = {"rows": []}
    item.panels = ["planning.roi"]
    item.answer = 3


def plug_wrong_things_into_the_kinds() -> None:
    KINDS["essay"] = "long_text"
    TextKind(label="Essay", fields_template="e.html", max_length=9, one_line=False, widget="t")
    clean_value("long_text", "An answer")
"""


def test_mypy_refuses_what_does_not_fit_the_engines_plug_points(tmp_path):
    source = tmp_path / "wrong_callers.py"
    source.write_text(WRONG_CALLERS, encoding="utf-8")
    # The interpreter running the tests, with fixed arguments.
    checked = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "mypy",
            str(source),
            "--config-file",
            str(PROJECT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = re.findall(r"wrong_callers\.py:(\d+): error: .*\[([a-z-]+)\]$", checked.stdout, re.M)
    assert errors == [
        ("7", "assignment"),  # a dict where a record set's table goes
        ("8", "list-item"),  # a panel's name instead of a panel
        ("9", "assignment"),  # a number instead of an answer
        ("13", "assignment"),  # a kind's name instead of a kind
        ("14", "arg-type"),  # a widget's name instead of what makes one
        ("15", "arg-type"),  # a kind's name instead of a question
    ], checked.stdout
