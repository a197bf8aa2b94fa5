"""What the tests of plan files share: a plan's document made comparable, an upload of a
document, and the schema check."""

import json
from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator, FormatChecker

from microcred.records.registry import REGISTRY
from microcred.reports.options import ExportOptions
from microcred.transfer.plan_json import ANSWERS_AND_TABLES, plan_document, plan_schema

EVERYTHING = ExportOptions()


def answers_and_tables_with(**chosen) -> ExportOptions:
    """A document's answers and tables, and what `chosen` adds (ExportOptions' names)."""
    return replace(ANSWERS_AND_TABLES, **chosen)


def assert_valid(document: dict) -> None:
    """The document follows plan-v1.schema.json, checked as a stranger's validator would:
    Draft 2020-12 with formats."""
    Draft202012Validator.check_schema(plan_schema())
    Draft202012Validator(plan_schema(), format_checker=FormatChecker()).validate(document)


def content(document: dict) -> dict:
    """What two plans with the same answers and rows have alike, whoever made them when."""
    return {
        "answers": document["answers"],
        "record_sets": document["record_sets"],
        "template": document["template"],
        "plan": {
            name: document["plan"][name]
            for name in ("organization", "summary", "currency", "discount_rate")
        },
    }


def upload(document, name="plan.json") -> SimpleUploadedFile:
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


def exported(plan, options=ANSWERS_AND_TABLES) -> dict:
    """The plan's document, as it would be written to a file and read back."""
    return json.loads(json.dumps(plan_document(plan=plan, options=options)))


def index_of(document, section, key):
    """Where the entry of question `key` is in the document's answers or record sets."""
    return next(i for i, entry in enumerate(document[section]) if entry["question"] == key)


def platform_sets(*, sets: int, rows: int) -> list[dict]:
    """`sets` tables of delivery platforms for the same question, `rows` rows each, each
    row linking to the next across them: the shape of a file that once ran for minutes."""
    total = sets * rows
    return [
        {
            "question": "platforms",
            "phase": "delivery",
            "record_type": "delivery.platforms",
            "rows": [
                {
                    "id": f"platforms-{number}",
                    "values": {
                        "product": f"Platform {number}",
                        "role": "testing",
                        "integrates_with": [f"platforms-{number + 1}"] if number < total else [],
                        "integration_status": "planned" if number < total else "",
                    },
                }
                for number in range(set_index * rows + 1, (set_index + 1) * rows + 1)
            ],
        }
        for set_index in range(sets)
    ]


def copied_rows(document: dict, *, copies: int) -> dict:
    """The document with each table's rows `copies` times over, or as many times as the
    table may hold them (a table of one row once): the copies' ids end in "-copy<n>", and
    their links name the same copy of the rows they name."""
    times = {}
    for record_set in document["record_sets"]:
        record_type = REGISTRY[record_set["record_type"]]
        most = 1 if record_type.single_row else record_type.max_rows
        rows = max(len(record_set["rows"]), 1)
        times[record_set["question"]] = max(1, min(copies, most // rows))
    ids = {
        row["id"] + _copy_suffix(copy)
        for record_set in document["record_sets"]
        for copy in range(times[record_set["question"]])
        for row in record_set["rows"]
    }

    def copied(value, copy: int):
        if isinstance(value, list):
            return [copied(item, copy) for item in value]
        named = f"{value}{_copy_suffix(copy)}" if isinstance(value, str) else None
        return named if named in ids else value

    return {
        **document,
        "record_sets": [
            {
                **record_set,
                "rows": [
                    {
                        "id": row["id"] + _copy_suffix(copy),
                        "values": {
                            name: copied(value, copy) for name, value in row["values"].items()
                        },
                    }
                    for copy in range(times[record_set["question"]])
                    for row in record_set["rows"]
                ],
            }
            for record_set in document["record_sets"]
        ],
    }


def _copy_suffix(copy: int) -> str:
    return f"-copy{copy}" if copy else ""
