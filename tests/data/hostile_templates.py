"""Template files that must be refused, each with the one problem it is refused for.

The same files go through the import_template command (tests/questionnaires/test_yaml.py)
and the admin's upload (tests/questionnaires/test_admin.py): both read them one way.
"""

import pytest
import yaml

ANCHORS = (
    "anchors and aliases (&name, *name) are not allowed in template files: write each "
    "value out in full."
)
NESTED = (
    "lists and mappings are nested more than 20 deep here; a template file needs far fewer levels."
)

# The classic "billion laughs": under 1 kB that expands to 9**9 strings.
BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def questions(count, prefix, *, children=0):
    return [
        {
            "key": f"{prefix}_{n}",
            "text": f"Question {n}?",
            **({"children": questions(children, f"{prefix}_{n}")} if children else {}),
        }
        for n in range(count)
    ]


def template(phase_count, questions_per_phase, *, children=0) -> str:
    phases = [
        {
            "slug": f"phase-{p}",
            "title": f"Phase {p}",
            "questions": questions(questions_per_phase, f"p{p}", children=children),
        }
        for p in range(phase_count)
    ]
    return yaml.safe_dump({"name": "Large", "phases": phases}, sort_keys=False)


HOSTILE_FILES = [
    pytest.param(BILLION_LAUGHS.encode(), f"Line 1, column 4: {ANCHORS}", id="billion-laughs"),
    pytest.param(
        b"name: Loop\nphases: &phases\n  - *phases\n",
        f"Line 2, column 9: {ANCHORS}",
        id="self-referencing-alias",
    ),
    pytest.param(b"name: Alias\nphases: *phases\n", f"Line 2, column 9: {ANCHORS}", id="alias"),
    pytest.param(b"[" * 5000 + b"]" * 5000, f"Line 1, column 21: {NESTED}", id="5000-deep-lists"),
    pytest.param(
        b"{a: " * 5000 + b"1" + b"}" * 5000, f"Line 1, column 81: {NESTED}", id="5000-deep-maps"
    ),
    pytest.param(
        b"name: Big\n# " + b"x" * 1024 * 1024 + b"\nphases: []\n",
        "The file is over 1 MB: a template file can be at most 1 MB (1,048,576 bytes).",
        id="over-1-mb",
    ),
    pytest.param(
        b"[" + b"a," * 50_001 + b"]",
        "Line 1, column 100000: the file holds more than 50,000 values; a template file holds "
        "far fewer.",
        id="50001-values",
    ),
    pytest.param(
        template(23, 87).encode(),
        "A template version can have at most 2,000 questions, sub-questions included; this "
        "file has 2,001.",
        id="2001-questions",
    ),
    pytest.param(
        template(1, 51, children=1).encode(),
        "Phase “phase-0”, questions: A phase can have at most 100 questions, sub-questions "
        "included; this one has 102.",
        id="102-questions-in-a-phase",
    ),
    pytest.param(
        template(31, 1).encode(),
        "Phases: A template version can have at most 30 phases; this file has 31.",
        id="31-phases",
    ),
    pytest.param(
        # "Café" in UTF-8, then "été" in Latin-1: the column counts characters, not bytes.
        b"name: Caf\xc3\xa9\nphases:\n  - title: Caf\xc3\xa9 \xe9t\xe9\n",
        "Line 3, column 17: the file is not UTF-8 text: save it as UTF-8, or choose the .yaml "
        "file of a template.",
        id="invalid-utf-8",
    ),
    pytest.param(
        b"name: Tabs\nphases:\n  - slug: intro\n\ttitle: Intro\n",
        "Line 4, column 1: the file cannot be read as YAML: a tab cannot indent or start a "
        "value: indent with spaces.",
        id="tab-indentation",
    ),
    pytest.param(
        b"name: Nul\x00\nphases: []\n",
        "Line 1, column 10: the file cannot be read as YAML: the character #x0000 is not allowed.",
        id="nul-character",
    ),
    pytest.param(
        b"number: 1" + b":0" * 200_000 + b"\nname: Slow\n",
        "Line 1, column 9: a number can have at most 30 characters; put quotes around it if "
        "it is text.",
        id="base-60-number",
    ),
    pytest.param(
        b"name: Two\n---\nname: Documents\n",
        "Line 2, column 1: the file cannot be read as YAML: expected a single document in the "
        "stream, but found another document.",
        id="two-documents",
    ),
    pytest.param(
        b"name: !!python/object/apply:os.system [ls]\n",
        "Line 1, column 7: the file cannot be read as YAML: could not determine a constructor "
        "for the tag 'tag:yaml.org,2002:python/object/apply:os.system'.",
        id="python-tag",
    ),
    pytest.param(b"", "The file must hold a template: a name and a list of phases.", id="empty"),
]
