"""What the tests of plan files share: a plan's document made comparable, an upload of a
document, and the schema check."""

import json
from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator, FormatChecker

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
