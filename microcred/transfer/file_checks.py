"""Checking a plan file before anything of it is stored: read whole, it must be UTF-8
JSON within the limits of file_limits.py (bytes, rows, answers, values; text that can be
stored) that follows the schema (plan-v1.schema.json), gives each question one table within
its rows, whose rows name rows it holds, and whose plan a new plan can be made of (a
currency offered here, a discount rate up to 100%, a title on one line). A file that is not
is refused with every problem located by its JSON path, at most MAX_PROBLEMS of them: the
schema's and the later checks' at once, the later ones run on what the schema found well
formed, so that a hand-edited file is corrected in one go."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import File
from django.db import models
from django.template.defaultfilters import filesizeformat, pluralize
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from microcred.questionnaires.kinds import CURRENCY_CODES
from microcred.questionnaires.typed_text import validate_single_line
from microcred.records.registry import REGISTRY
from microcred.records.types import RecordType

from .file_limits import max_links, size_problems, text_problems
from .plan_json import plan_schema, row_fields
from .problems import ImportRefused, Problem, json_path

# A refused file lists at most this many problems, and says how many more it has.
MAX_PROBLEMS = 50


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else f"{text[:57]}…"


def _schema_problem(error: ValidationError) -> Problem:
    path = json_path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return Problem(json_path([*error.absolute_path, missing]), "is missing")
    if validator == "additionalProperties":
        return Problem(path, error.message)
    if validator == "maxLength":
        return Problem(path, f"is longer than {error.validator_value:,} characters")
    if validator == "minLength":
        return Problem(path, "is empty")
    if validator in ("maxItems", "maxProperties"):
        return Problem(path, f"has more than {error.validator_value:,} entries")
    if "description" in schema:
        return Problem(path, f"{_shown(error.instance)} is not {schema['description']}")
    message = error.message
    return Problem(path, message if len(message) <= 200 else f"{message[:197]}…")


@dataclass(frozen=True)
class _RowPlace:
    path: str
    record_type: RecordType | None


# The later checks read what the schema found well formed and pass over the rest, which
# the schema's problems already locate: an entry that is not an object, a value of
# another type.


def _objects(container: object, name: str) -> Iterator[tuple[int, dict]]:
    """The entries of `container`'s list `name` that are objects, with their index."""
    listed = container.get(name) if isinstance(container, dict) else None
    for index, entry in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(entry, dict):
            yield index, entry


def _record_type(record_set: dict) -> RecordType | None:
    name = record_set.get("record_type")
    return REGISTRY.get(name) if isinstance(name, str) else None


def _row_values(row: dict) -> dict:
    values = row.get("values")
    return values if isinstance(values, dict) else {}


def _answered_twice(document: dict) -> list[Problem]:
    problems = []
    seen = set()
    for index, answer in _objects(document, "answers"):
        question = answer.get("question")
        if not isinstance(question, str):
            continue
        version = json.dumps(answer.get("template_version"))  # any JSON value, hashable
        key = (question, answer.get("archived", False) is True, version)
        if key in seen:
            path = json_path(["answers", index, "question"])
            problems.append(Problem(path, f"{_shown(question)} is answered twice"))
        seen.add(key)
    return problems


def _row_places(document: dict, problems: list[Problem]) -> dict[str, _RowPlace]:
    """Where each row id of the file is; an id given twice is added to `problems`."""
    rows: dict[str, _RowPlace] = {}
    for set_index, record_set in _objects(document, "record_sets"):
        record_type = _record_type(record_set)
        for row_index, row in _objects(record_set, "rows"):
            if not isinstance(row_id := row.get("id"), str):
                continue
            path = json_path(["record_sets", set_index, "rows", row_index, "id"])
            if row_id in rows:
                problems.append(Problem(path, f"{_shown(row_id)} is the id of another row too"))
            rows[row_id] = _RowPlace(path=path, record_type=record_type)
    return rows


def _link_problems(
    path: str, value: object, model: type[models.Model], rows: dict[str, _RowPlace]
) -> list[Problem]:
    """What is wrong with a cell that links to rows of `model` by their ids."""
    problems = []
    for target in value if isinstance(value, list) else [value]:
        place = rows.get(target) if isinstance(target, str) else None
        if place is None:
            problems.append(Problem(path, f"{_shown(target)} is not a row id"))
        elif place.record_type and place.record_type.model is not model:
            plural = model._meta.verbose_name_plural
            problems.append(Problem(path, f"{_shown(target)} is not a row of {plural}"))
    return problems


def _table_problems(document: dict) -> list[Problem]:
    """A question's table given twice, or with more rows than its table may hold."""
    problems = []
    first_at: dict[str, int] = {}
    for set_index, record_set in _objects(document, "record_sets"):
        key = record_set.get("question")
        if isinstance(key, str) and key in first_at:
            problems.append(
                Problem(
                    json_path(["record_sets", set_index, "question"]),
                    f"{_shown(key)} has its table at record_sets[{first_at[key]}] already: a "
                    "plan holds one table per question",
                )
            )
        if isinstance(key, str):
            first_at.setdefault(key, set_index)
        record_type = _record_type(record_set)
        rows = record_set.get("rows")
        count = len(rows) if isinstance(rows, list) else 0
        if record_type is None or count <= (1 if record_type.single_row else record_type.max_rows):
            continue
        holds = (
            f"holds one {record_type.row_name}"
            if record_type.single_row
            else f"holds at most {record_type.max_rows} rows"
        )
        path = json_path(["record_sets", set_index, "rows"])
        problems.append(Problem(path, f"has {count} rows: {record_type.label} {holds}"))
    return problems


def _link_fields(record_type: RecordType) -> dict[str, type[models.Model]]:
    """The row fields that link to other rows, and the model of the rows they link to."""
    return {
        model_field.name: related_model
        for model_field in row_fields(record_type)
        if model_field.is_relation and (related_model := model_field.related_model)
    }


def _too_many_links(document: dict) -> list[Problem]:
    """More links between rows than a file may have (each is checked and stored apart)."""
    count = 0
    for _, record_set in _objects(document, "record_sets"):
        record_type = _record_type(record_set)
        names = _link_fields(record_type) if record_type else {}
        for _, row in _objects(record_set, "rows"):
            for name, value in _row_values(row).items():
                if name in names and value:
                    count += len(value) if isinstance(value, list) else 1
    most = max_links()
    if count <= most:
        return []
    message = f"The file has {count:,} links between rows: a plan file may have at most {most:,}."
    return [Problem("", message)]


def _structure_problems(document: dict) -> list[Problem]:
    """What the schema cannot say: no more links than a file may have, each question
    answered once and given one table, within its table's rows, row ids unique in the
    file, links naming rows it holds."""
    too_many = _too_many_links(document)
    if too_many:
        return too_many
    problems = _answered_twice(document) + _table_problems(document)
    rows = _row_places(document, problems)
    for set_index, record_set in _objects(document, "record_sets"):
        record_type = _record_type(record_set)
        if record_type is None:
            continue
        links = _link_fields(record_type)
        for row_index, row in _objects(record_set, "rows"):
            for name, value in _row_values(row).items():
                if name not in links or value is None:
                    continue
                path = json_path(["record_sets", set_index, "rows", row_index, "values", name])
                problems.extend(_link_problems(path, value, links[name], rows))
    return problems


def _plan_problems(document: dict) -> list[Problem]:
    """What would keep a plan from being made of the file's plan block though the schema
    takes it (what create_plan refuses): a currency not offered here, a discount rate
    above 100%, a title or organization of more than one line."""
    plan = document.get("plan")
    if not isinstance(plan, dict):
        return []
    problems = []
    for name, label in (("title", "title"), ("organization", "organization")):
        value = plan.get(name)
        if isinstance(value, str):
            try:
                validate_single_line(value, label=label)
            except DjangoValidationError as error:
                problems.append(Problem(f"plan.{name}", " ".join(error.messages)))
    currency = plan.get("currency")
    if isinstance(currency, str) and len(currency) == 3 and currency not in CURRENCY_CODES:
        offered = ", ".join(sorted(CURRENCY_CODES))
        message = f"{_shown(currency)} is not a currency offered here ({offered})"
        problems.append(Problem("plan.currency", message))
    rate = plan.get("discount_rate")
    if isinstance(rate, str) and rate.replace(".", "", 1).isdigit() and Decimal(rate) > 100:
        problems.append(Problem("plan.discount_rate", f"{_shown(rate)} is above 100%"))
    return problems


def _within(path: str, container: str) -> bool:
    """Whether `path` is `container` or a place inside it."""
    return path == container or path.startswith((f"{container}.", f"{container}["))


def document_problems(document: object) -> list[Problem]:
    """Every problem of a parsed document, none when it can be imported: more than a plan
    file may hold, or text that is not text, alone (nothing else is checked); else the
    schema's problems in the order they appear in it, then the later checks' (the
    structure's, the plan block's) where the schema found nothing wrong, then the text the
    plain-text validator refuses."""
    size = size_problems(document)
    if size:
        return size
    not_text, refused_text = text_problems(document)
    if not_text:
        return not_text
    validator = Draft202012Validator(plan_schema(), format_checker=FormatChecker())
    errors = sorted(
        validator.iter_errors(document), key=lambda error: [str(p) for p in error.absolute_path]
    )
    problems = [_schema_problem(error) for error in errors]
    if not isinstance(document, dict):
        return problems + refused_text
    later = _structure_problems(document) + _plan_problems(document)
    # Where the schema found a value wrong, its problem is the one to fix: a later check's
    # word on that value, or within it, would say it again or judge what is about to change.
    later = [
        problem
        for problem in later
        if not any(_within(problem.path, schema.path) for schema in problems)
    ]
    return problems + later + refused_text


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number JSON allows")


def _parsed(content: bytes) -> Any:  # any JSON value (json.loads's own type)
    """The JSON in a file's bytes; raises ImportRefused when they are not JSON a plan can be."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [Problem("", f"The file is not UTF-8 text (byte {error.start + 1}).")]
        ) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        message = f"line {error.lineno}, column {error.colno}: {error.msg}"
        raise ImportRefused([Problem("", f"The file is not JSON: {message}.")]) from None
    except (ValueError, RecursionError) as error:
        message = "it is nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise ImportRefused(
            [Problem("", f"The file is not JSON a plan can be: {message}.")]
        ) from None


def read_plan_file(upload: "File[bytes]") -> dict[str, Any]:
    """The document in an uploaded file, checked; raises ImportRefused with every problem
    (at most MAX_PROBLEMS, and how many more) when it is too big, not JSON, or not a plan."""
    limit = settings.PLAN_IMPORT_MAX_BYTES
    if upload.size > limit:
        size, most = filesizeformat(upload.size), filesizeformat(limit)
        message = f"The file is too big ({size}): a plan file may have at most {most}."
        raise ImportRefused([Problem("", message)])
    document = _parsed(upload.read())
    problems = document_problems(document)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            shown.append(Problem("", f"… and {more} more problem{pluralize(more)}."))
        raise ImportRefused(shown)
    return document
