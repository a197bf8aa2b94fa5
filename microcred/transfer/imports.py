"""Importing a plan from a JSON document (plan_json.py) as a new plan of the importer.

A file is read whole first: one that is not JSON, too big, or does not follow the schema
(or whose rows name rows it does not hold) is refused with every problem located, and
nothing is stored. A file that passes becomes a new draft plan, on the template version of
the same number when it is published here and otherwise on the newest published version,
its answers and rows following their question keys. Answers go through `save_answer` and
rows through `save_record`, so each is held to what a planner typing it would be; what
cannot be placed (a question this version does not ask, an answer or a row its question
no longer accepts, a table this installation lacks) is listed in the import report with
its reason, and the rest is imported. Review rounds and comments are never recreated.
"""

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat, pluralize
from django.utils.datastructures import MultiValueDict
from jsonschema import Draft202012Validator, FormatChecker

from microcred.plans.answers import save_answer
from microcred.plans.models import Plan
from microcred.plans.record_rows import InvalidRecord, RecordRefused, RecordsLocked, save_record
from microcred.plans.services import NoPublishedTemplate, create_plan, latest_published_version
from microcred.questionnaires.models import Question, TemplateVersion
from microcred.records.registry import REGISTRY
from microcred.records.types import RecordType

from .plan_json import RECORD_SET, plan_schema, row_fields

# A refused file lists at most this many problems, and says how many more it has.
MAX_PROBLEMS = 50
SHOWN_VALUE_CHARACTERS = 200


@dataclass(frozen=True)
class Problem:
    """What is wrong with a file, and where: `path` is a JSON path such as answers[3].value."""

    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}" if self.path else self.message


class ImportRefused(Exception):
    """The file is refused whole; nothing was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


@dataclass
class NotPlaced:
    """Something of the file the new plan does not hold (or holds only in part), and why."""

    path: str  # where it is in the file
    what: str
    reason: str
    value: str = ""  # the value as the file has it, so that it can be typed in again


@dataclass
class ImportReport:
    plan_id: int
    title: str
    file_version: int  # the template version number the file's answers were given on
    version: int  # the new plan's template version number
    answers: int = 0  # answers placed
    rows: int = 0  # rows placed
    not_placed: list[NotPlaced] = field(default_factory=list)
    review_rounds_left_out: int = 0
    comments_left_out: int = 0
    status_in_file: str = ""

    def as_dict(self) -> dict:
        """JSON-ready, to keep between requests (in the session)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        return cls(
            **{
                **data,
                "not_placed": [NotPlaced(**entry) for entry in data.get("not_placed", [])],
            }
        )

    @property
    def status_in_file_label(self) -> str:
        return dict(Plan.Status.choices).get(self.status_in_file, self.status_in_file).lower()

    @property
    def left_out_message(self) -> str:
        """What the new plan never takes from a file ("" when the file had none)."""
        parts = []
        if self.review_rounds_left_out:
            count = self.review_rounds_left_out
            parts.append(f"{count} review round{pluralize(count)}")
        if self.comments_left_out:
            count = self.comments_left_out
            parts.append(f"{count} comment{pluralize(count)}")
        if not parts:
            return ""
        return (
            f"The file's {' and '.join(parts)} are not recreated: the new plan starts as a "
            "draft without reviews or comments."
        )


# Reading and checking a file


def json_path(parts) -> str:
    """A location in a document as a JSON path: answers[3].value ("$" for the whole)."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else f"{text[:57]}…"


def _schema_problem(error) -> Problem:
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


def _structure_problems(document: dict) -> list[Problem]:
    """What the schema cannot say: row ids unique in the file, links naming rows it holds,
    each question answered once."""
    problems = []
    seen_answers = set()
    for index, answer in enumerate(document["answers"]):
        key = (answer["question"], answer.get("archived", False), answer.get("template_version"))
        if key in seen_answers:
            path = json_path(["answers", index, "question"])
            problems.append(Problem(path, f"{_shown(answer['question'])} is answered twice"))
        seen_answers.add(key)
    rows: dict[str, _RowPlace] = {}
    for set_index, record_set in enumerate(document["record_sets"]):
        record_type = REGISTRY.get(record_set["record_type"])
        for row_index, row in enumerate(record_set["rows"]):
            path = json_path(["record_sets", set_index, "rows", row_index, "id"])
            if row["id"] in rows:
                problems.append(Problem(path, f"{_shown(row['id'])} is the id of another row too"))
            rows[row["id"]] = _RowPlace(path=path, record_type=record_type)
    for set_index, record_set in enumerate(document["record_sets"]):
        record_type = REGISTRY.get(record_set["record_type"])
        if record_type is None:
            continue
        links = {
            model_field.name: model_field.related_model
            for model_field in row_fields(record_type)
            if model_field.is_relation
        }
        for row_index, row in enumerate(record_set["rows"]):
            for name, value in row["values"].items():
                if name not in links or value is None:
                    continue
                path = json_path(["record_sets", set_index, "rows", row_index, "values", name])
                for target in value if isinstance(value, list) else [value]:
                    place = rows.get(target) if isinstance(target, str) else None
                    if place is None:
                        problems.append(Problem(path, f"{_shown(target)} is not a row id"))
                    elif place.record_type and place.record_type.model is not links[name]:
                        problems.append(
                            Problem(
                                path,
                                f"{_shown(target)} is not a row of "
                                f"{links[name]._meta.verbose_name_plural}",
                            )
                        )
    return problems


def document_problems(document) -> list[Problem]:
    """Every problem of a parsed document (the schema's, then the structure's), in the
    order they appear in it; none when it can be imported."""
    validator = Draft202012Validator(plan_schema(), format_checker=FormatChecker())
    errors = sorted(
        validator.iter_errors(document), key=lambda error: [str(p) for p in error.absolute_path]
    )
    problems = [_schema_problem(error) for error in errors]
    if not problems:
        problems = _structure_problems(document)
    return problems


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def read_plan_file(upload) -> dict:
    """The document in an uploaded file, checked; raises ImportRefused with every problem
    (at most MAX_PROBLEMS, and how many more) when it is too big, not JSON, or not a plan."""
    limit = settings.PLAN_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportRefused(
            [
                Problem(
                    "",
                    f"The file is too big ({filesizeformat(upload.size)}): a plan file may "
                    f"have at most {filesizeformat(limit)}.",
                )
            ]
        )
    content = upload.read()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [Problem("", f"The file is not UTF-8 text (byte {error.start + 1}).")]
        ) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                Problem(
                    "",
                    f"The file is not JSON: line {error.lineno}, column {error.colno}: "
                    f"{error.msg}.",
                )
            ]
        ) from None
    except (ValueError, RecursionError) as error:
        message = "it is nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise ImportRefused(
            [Problem("", f"The file is not JSON a plan can be: {message}.")]
        ) from None
    problems = document_problems(document)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            shown.append(Problem("", f"… and {more} more problem{pluralize(more)}."))
        raise ImportRefused(shown)
    return document


# Making the plan


def target_version(number: int) -> TemplateVersion:
    """The version of that number when it is published here, else the newest published."""
    version = TemplateVersion.objects.filter(
        number=number, status=TemplateVersion.Status.PUBLISHED
    ).first()
    return version or latest_published_version()


def _value_text(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > SHOWN_VALUE_CHARACTERS:
        return f"{text[: SHOWN_VALUE_CHARACTERS - 1]}…"
    return text


@dataclass
class _Row:
    """A row of the file waiting to be placed."""

    path: str
    id: str
    record_type: RecordType
    question: Question
    values: dict
    links: dict[str, list[str]]  # link field name: the ids of the rows it names
    label: str


class _Placement:
    """Places a file's answers and rows in a new plan, noting what it cannot."""

    def __init__(self, *, plan: Plan, user, report: ImportReport):
        self.plan = plan
        self.user = user
        self.report = report
        self.version_number = plan.template_version.number
        self.questions = {q.key: q for q in plan.template_version.questions.all()}
        self.created: dict[str, int] = {}  # row id in the file: the new row's pk
        self.failed: set[str] = set()  # rows of the file that were not placed

    def not_placed(self, path: str, what: str, reason: str, value="") -> None:
        shown = _value_text(value) if value else ""
        self.report.not_placed.append(NotPlaced(path=path, what=what, reason=reason, value=shown))

    def answers(self, answers: list[dict]) -> None:
        for index, entry in enumerate(answers):
            path = json_path(["answers", index])
            key, value = entry["question"], entry["value"]
            what = f"Answer to “{key}”"
            if entry.get("archived"):
                if value is not None:
                    self.not_placed(
                        path,
                        what,
                        f"An archived answer (kept from template version "
                        f"{entry.get('template_version', '?')}): archived answers are not "
                        "imported.",
                        value,
                    )
                continue
            # A table's answer is its number of rows: its rows bring it.
            if value is None or entry["kind"] == RECORD_SET:
                continue
            question = self.questions.get(key)
            if question is None:
                reason = f"Template version {self.version_number} does not ask this question."
                self.not_placed(path, what, reason, value)
                continue
            if question.kind == RECORD_SET:
                reason = f"Template version {self.version_number} asks for a table here."
                self.not_placed(path, what, reason, value)
                continue
            try:
                save_answer(
                    plan=self.plan,
                    question=question,
                    raw_value=value,
                    base_revision=0,
                    user=self.user,
                )
            except ValidationError as error:
                reason = (
                    f"The answer does not fit the question in template version "
                    f"{self.version_number}: {' '.join(error.messages)}"
                )
                self.not_placed(path, what, reason, value)
            else:
                self.report.answers += 1

    def record_sets(self, record_sets: list[dict]) -> None:
        pending = []
        for set_index, record_set in enumerate(record_sets):
            rows = record_set["rows"]
            if not rows:
                continue
            path = json_path(["record_sets", set_index])
            key = record_set["question"]
            record_type = REGISTRY.get(record_set["record_type"])
            question = self.questions.get(key)
            reason = ""
            if record_type is None:
                reason = f"This installation has no table “{record_set['record_type']}”."
            elif question is None:
                reason = f"Template version {self.version_number} does not ask this question."
            elif question.kind != RECORD_SET or question.record_type != record_type.name:
                reason = f"Template version {self.version_number} asks for another table here."
            if reason:
                count = len(rows)
                self.not_placed(path, f"{count} row{pluralize(count)} of “{key}”", reason)
                self.failed.update(row["id"] for row in rows)
                continue
            pending.extend(
                self._row(f"{path}.rows[{index}]", row, record_type, question, number=index + 1)
                for index, row in enumerate(rows)
            )
        self._place(pending)

    def _row(self, path, row, record_type, question, *, number) -> _Row:
        fields = {model_field.name: model_field for model_field in row_fields(record_type)}
        values = {}
        for name, value in row["values"].items():
            if name in fields:
                values[name] = value
            else:
                self.not_placed(
                    f"{path}.values.{name}",
                    f"{record_type.label}, row {number}: “{name}”",
                    f"This installation's {record_type.label.lower()} have no such column.",
                    value,
                )
        links = {
            name: value if isinstance(value, list) else [value] if value else []
            for name, value in values.items()
            if fields[name].is_relation
        }
        first_text = next(
            (v for n, v in values.items() if isinstance(v, str) and v and n not in links), ""
        )
        label = f"{record_type.label}, row {number}" + (f" (“{first_text}”)" if first_text else "")
        return _Row(
            path=path,
            id=row["id"],
            record_type=record_type,
            question=question,
            values=values,
            links=links,
            label=label,
        )

    def _place(self, pending: list[_Row]) -> None:
        """Place rows once the rows they link to are placed (or known not to be), in the
        file's order otherwise. Rows that link to each other in a circle are placed first
        without their links and optional choices (which may depend on those links), and
        completed once the others are there."""
        placed_order: list[_Row] = []
        completing: list[_Row] = []
        while pending:
            progress = False
            for row in list(pending):
                if not self._waiting_for(row):
                    pending.remove(row)
                    if self._save(row, self._form_data(row)):
                        placed_order.append(row)
                    progress = True
            if pending and not progress:
                row = pending.pop(0)
                if self._save(row, self._form_data(row, partial=True)):
                    placed_order.append(row)
                    completing.append(row)
        for row in completing:
            self._complete(row)
        self._restore_order(placed_order)

    def _form_data(self, row: _Row, *, partial: bool = False) -> MultiValueDict:
        form_fields = row.record_type.form.base_fields
        data = MultiValueDict()
        for name, value in row.values.items():
            form_field = form_fields.get(name)
            if name in row.links:
                if partial:
                    continue
                placed = [str(self.created[t]) for t in row.links[name] if t in self.created]
                data.setlist(name, placed)
            elif partial and isinstance(form_field, forms.ChoiceField) and not form_field.required:
                continue
            elif isinstance(value, bool):
                if value:
                    data[name] = "on"
            else:
                data[name] = "" if value is None else str(value)
        return data

    def _linked(self, row: _Row) -> list[str]:
        return [target for targets in row.links.values() for target in targets]

    def _waiting_for(self, row: _Row) -> list[str]:
        """The rows it links to that are still to be placed."""
        return [t for t in self._linked(row) if t not in self.created and t not in self.failed]

    def _unplaceable_links(self, row: _Row) -> list[str]:
        return [t for t in self._linked(row) if t in self.failed]

    def _save(self, row: _Row, data: MultiValueDict) -> bool:
        try:
            result = save_record(plan=self.plan, question=row.question, data=data, user=self.user)
        except (InvalidRecord, RecordRefused, RecordsLocked) as error:
            reason = str(error)
            missing = self._unplaceable_links(row)
            if missing:
                reason += f" (It links to {', '.join(missing)}, which could not be placed.)"
            self.not_placed(row.path, row.label, reason)
            self.failed.add(row.id)
            return False
        self.created[row.id] = result.record.pk
        self.report.rows += 1
        missing = self._unplaceable_links(row)
        if missing:
            self.not_placed(
                row.path,
                row.label,
                f"Placed without its link to {', '.join(missing)}, which could not be placed.",
            )
        return True

    def _complete(self, row: _Row) -> None:
        record = row.record_type.model.objects.get(pk=self.created[row.id])
        try:
            save_record(
                plan=self.plan,
                question=row.question,
                data=self._form_data(row),
                user=self.user,
                record_id=record.pk,
                base_revision=record.revision,
            )
        except (InvalidRecord, RecordRefused) as error:
            self.not_placed(
                row.path,
                row.label,
                f"Placed without its links to other rows and its optional choices: {error}",
            )

    def _restore_order(self, placed: list[_Row]) -> None:
        """Give the rows of each table the file's order, where links made them be placed in
        another (positions only, which a row's history need not show)."""
        by_question: dict[int, list[_Row]] = {}
        for row in placed:
            by_question.setdefault(row.question.pk, []).append(row)
        for rows in by_question.values():
            in_file = sorted(rows, key=lambda row: _row_order(row.path))
            if in_file == rows:
                continue
            model = rows[0].record_type.model
            for position, row in enumerate(in_file, start=1):
                model.objects.filter(pk=self.created[row.id]).update(position=position)


def _row_order(path: str) -> int:
    return int(path.rsplit("[", 1)[1].rstrip("]"))


@transaction.atomic
def import_plan(
    *,
    document: dict,
    user,
    title: str = "",
    template_version: TemplateVersion | None = None,
) -> ImportReport:
    """A new draft plan owned by `user` from a checked document (read_plan_file), titled
    `title` or as in the document, on `template_version` (by default the version of the
    document's number when published here, else the newest published). Raises
    ImportRefused, storing nothing, when the plan itself cannot be made (its title or
    currency refused, no published template)."""
    metadata = document["plan"]
    try:
        version = template_version or target_version(document["template"]["number"])
        plan = create_plan(
            title=title or metadata["title"],
            organization=metadata["organization"],
            summary=metadata["summary"],
            currency=metadata["currency"],
            discount_rate=Decimal(metadata["discount_rate"]),
            template_version=version,
            user=user,
        )
    except NoPublishedTemplate as error:
        raise ImportRefused([Problem("", str(error))]) from None
    except ValidationError as error:
        raise ImportRefused(_plan_problems(error)) from None
    report = ImportReport(
        plan_id=plan.pk,
        title=plan.title,
        file_version=document["template"]["number"],
        version=version.number,
        review_rounds_left_out=len(document.get("review_rounds", [])),
        comments_left_out=len(document.get("comments", [])),
        status_in_file=str(metadata["status"]),
    )
    placement = _Placement(plan=plan, user=user, report=report)
    placement.answers(document["answers"])
    placement.record_sets(document["record_sets"])
    return report


def _plan_problems(error: ValidationError) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [
            Problem(f"plan.{name}", message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [Problem("plan", message) for message in error.messages]
