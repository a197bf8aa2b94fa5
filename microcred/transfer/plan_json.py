"""A plan as a JSON document, format version 1: what moves a plan from one installation to
another (or from a test instance to production), and what "New plan from this one" copies.

The document is described by `schemas/plan-v1.schema.json`, served at /schemas/plan-v1.json:

- `plan`: title, organization, summary, status, currency, discount rate (a string),
  created and updated times, the owner's name;
- `template`: the version's number and name, and each question's key, phase and kind;
- `answers`: each answer's value as stored, in its kind's canonical shape (see
  questionnaires/kinds.py). A table's answer is only its number of rows, so tables are
  left out here: their rows are under `record_sets`;
- `record_sets`: each table's rows in order, each with an id unique in the document
  (`<question key>-<n>`) and its cells by field name: the fields its form edits, and the
  currency of its amounts. Amounts and other decimals are strings, dates ISO, a link to
  another row is that row's id (a list of ids for several);
- `review_rounds` and `comments`, only when chosen.

What a document holds beyond its answers and tables is chosen with the export options that
every format shares (reports.options.ExportOptions); the document's `options` block names
them as format version 1 does (`options_block`, `options_from_block`).
"""

import datetime
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import cast

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from microcred.plans.models import Answer, Comment, Plan, PlanMembership
from microcred.plans.services import display_name
from microcred.questionnaires.models import Question, TemplateVersion
from microcred.records.models import CURRENCY, PlanRecord, money_field_names
from microcred.records.registry import REGISTRY
from microcred.records.types import RecordType
from microcred.reports.options import ExportOptions

FORMAT = "microcred-plan"
FORMAT_VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / f"plan-v{FORMAT_VERSION}.schema.json"
CENTS = Decimal("0.01")

# What a document holds unless more is chosen: the answers and tables of every phase.
ANSWERS_AND_TABLES = ExportOptions(
    include_unanswered=False, include_appendix=False, include_archived=False
)
NO_PHASE = (
    "A plan file cannot leave out every phase: in format version 1 an empty list of phases "
    "means every phase."
)


def options_block(options: ExportOptions, *, phase_order: Sequence[str] = ()) -> dict:
    """The document's `options` block for `options`, in format version 1's names:
    `comments` is the appendix of review rounds and comments, and `phases` the phases
    included, in `phase_order` (others after it, by slug), or [] for every phase. Raises
    ValueError for options that leave out every phase, which version 1 cannot say."""
    if options.phase_slugs is None:
        phases = []
    elif not options.phase_slugs:
        raise ValueError(NO_PHASE)
    else:
        position = {slug: index for index, slug in enumerate(phase_order)}
        phases = sorted(
            options.phase_slugs, key=lambda slug: (position.get(slug, len(position)), slug)
        )
    return {
        "comments": options.include_appendix,
        "phases": phases,
        "unanswered": options.include_unanswered,
        "archived": options.include_archived,
    }


def options_from_block(block: Mapping) -> ExportOptions:
    """The options a document's `options` block (or a form with its names) says."""
    return ExportOptions(
        phase_slugs=frozenset(block["phases"]) or None,
        include_unanswered=bool(block["unanswered"]),
        include_appendix=bool(block["comments"]),
        include_archived=bool(block["archived"]),
    )


@cache
def plan_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def row_fields(record_type: RecordType) -> list[models.Field]:
    """The fields of a table's rows that a document carries: those its form edits, and the
    currency of its amounts (which its form takes from a hidden field)."""
    model = record_type.model
    names = list(record_type.form._meta.fields or ())
    if money_field_names(model) and CURRENCY not in names:
        names.append(CURRENCY)
    # A form edits the model's own fields, never the other end of a relation.
    return [cast(models.Field, model._meta.get_field(name)) for name in names]


def row_id(question_key: str, number: int) -> str:
    return f"{question_key}-{number}"


def _datetime(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# A row by its model and pk (the model as a field's related_model gives it: optional in
# its type).
RowKey = tuple[type[models.Model] | None, int]
# The document's id of each row.
RowIds = dict[RowKey, str]


def row_cell(row: PlanRecord, model_field: models.Field, ids: Mapping[RowKey, object]) -> object:
    """A cell's value as a document carries it (the API's rows too): a link is the id
    that `ids` gives the row it names (a row not in `ids` is left out)."""
    if model_field.many_to_many:
        related = model_field.related_model
        return [
            ids[(related, other.pk)]
            for other in getattr(row, model_field.name).all()
            if (related, other.pk) in ids
        ]
    if model_field.many_to_one:
        return ids.get((model_field.related_model, getattr(row, model_field.attname)))
    value = getattr(row, model_field.name)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _rows_by_question(plan: Plan, questions: list[Question]) -> dict[int, list[PlanRecord]]:
    """The plan's rows of the given record-set questions, in table order: one query per
    record type (and one per many-to-many field), however many rows."""
    by_type: dict[str, list[int]] = {}
    for question in questions:
        by_type.setdefault(question.record_type, []).append(question.pk)
    rows: dict[int, list[PlanRecord]] = {question.pk: [] for question in questions}
    for name, question_ids in by_type.items():
        record_type = REGISTRY[name]
        many = [field.name for field in row_fields(record_type) if field.many_to_many]
        for row in (
            record_type.model._default_manager.filter(plan=plan, question_id__in=question_ids)
            .prefetch_related(*many)
            .order_by("position", "pk")
        ):
            rows[row.question_id].append(row)
    return rows


def _record_sets(plan: Plan, questions: list[Question], options: ExportOptions) -> list:
    tables = [
        question
        for question in questions
        if question.kind == Question.Kind.RECORD_SET and question.record_type in REGISTRY
    ]
    rows = _rows_by_question(plan, tables)
    ids: RowIds = {
        (type(row), row.pk): row_id(question.key, number)
        for question in tables
        for number, row in enumerate(rows[question.pk], start=1)
    }
    record_sets = []
    for question in tables:
        if not rows[question.pk] and not options.include_unanswered:
            continue
        fields = row_fields(REGISTRY[question.record_type])
        record_sets.append(
            {
                "question": question.key,
                "phase": question.phase.slug,
                "record_type": question.record_type,
                "rows": [
                    {
                        "id": ids[(type(row), row.pk)],
                        "values": {field.name: row_cell(row, field, ids) for field in fields},
                    }
                    for row in rows[question.pk]
                ],
            }
        )
    return record_sets


def _answers(plan: Plan, questions: list[Question], options: ExportOptions) -> list:
    stored = {
        answer.question_id: answer.value
        for answer in Answer.objects.filter(plan=plan, question__in=questions)
    }
    entries = []
    for question in questions:
        value = stored.get(question.pk)
        if question.kind == Question.Kind.RECORD_SET or (
            value is None and not options.include_unanswered
        ):
            continue
        entries.append(
            {
                "question": question.key,
                "phase": question.phase.slug,
                "kind": question.kind,
                "value": value,
            }
        )
    if options.include_archived:
        archived = (
            Answer.objects.filter(plan=plan, value__isnull=False)
            .exclude(question__version_id=plan.template_version_id)
            .select_related("question__phase__version")
            .order_by("question__version__number", "question__phase__order", "question__order")
        )
        entries.extend(
            {
                "question": answer.question.key,
                "phase": answer.question.phase.slug,
                "kind": answer.question.kind,
                "value": answer.value,
                "archived": True,
                "template_version": answer.question.phase.version.number,
            }
            for answer in archived
            if options.includes_phase(answer.question.phase.slug)
        )
    return entries


def _review_history(plan: Plan, options: ExportOptions) -> dict:
    rounds = plan.review_rounds.select_related(
        "submitted_by", "decided_by", "reopened_by"
    ).order_by("number")
    comments = list(
        Comment.objects.filter(plan=plan)
        .select_related("author", "resolved_by", "phase", "question")
        .order_by("created_at", "pk")
    )
    comments = [comment for comment in comments if options.includes_phase(comment.phase.slug)]
    ids = {comment.pk: f"comment-{number}" for number, comment in enumerate(comments, start=1)}
    return {
        "review_rounds": [
            {
                "number": review_round.number,
                "submitted_by": _person(review_round.submitted_by),
                "submitted_at": _datetime(review_round.submitted_at),
                "note": review_round.note,
                "decision": review_round.decision,
                "decided_by": _person(review_round.decided_by),
                "decided_at": _datetime(review_round.decided_at),
                "reason": review_round.reason,
                "reopened_by": _person(review_round.reopened_by),
                "reopened_at": _datetime(review_round.reopened_at),
            }
            for review_round in rounds
        ],
        "comments": [
            {
                "id": ids[comment.pk],
                # A reply to a thread left out with its phase cannot be: threads keep a phase.
                "thread": ids.get(comment.thread_id) if comment.thread_id else None,
                "phase": comment.phase.slug,
                "question": comment.question.key if comment.question else None,
                "author": _person(comment.author),
                "body": comment.body,
                "created_at": _datetime(comment.created_at),
                "resolved_at": _datetime(comment.resolved_at),
                "resolved_by": _person(comment.resolved_by),
            }
            for comment in comments
        ],
    }


def _person(user: User | None) -> str | None:
    return display_name(user) if user else None


def _plan_block(plan: Plan) -> dict:
    owner = (
        PlanMembership.objects.filter(plan=plan, role=PlanMembership.Role.OWNER)
        .select_related("user")
        .first()
    )
    return {
        "title": plan.title,
        "organization": plan.organization.name,
        "summary": plan.summary,
        "status": plan.status,
        "currency": plan.currency,
        "discount_rate": format(Decimal(plan.discount_rate).quantize(CENTS), "f"),
        "created_at": _datetime(plan.created_at),
        "updated_at": _datetime(plan.updated_at),
        "owner": _person(owner.user) if owner else None,
    }


def _template_block(version: TemplateVersion, questions: list[Question]) -> dict:
    return {
        "number": version.number,
        "name": version.name,
        "questions": [
            {
                "key": question.key,
                "phase": question.phase.slug,
                "kind": question.kind,
                **({"record_type": question.record_type} if question.record_type else {}),
            }
            for question in questions
        ],
    }


def plan_document(
    *, plan: Plan, options: ExportOptions = ANSWERS_AND_TABLES, site_url: str = ""
) -> dict:
    """The plan as a JSON-ready dict in format version 1 (see the module's docstring),
    with what `options` chooses (by default its answers and tables only); `site_url`, when
    given, says where it comes from and where its schema is. A fixed number of queries,
    however many answers and rows. Raises ValueError for options that leave out every
    phase."""
    version = plan.template_version
    every_question = list(
        version.questions.select_related("phase").order_by("phase__order", "order")
    )
    phase_order = list(dict.fromkeys(question.phase.slug for question in every_question))
    chosen = options_block(options, phase_order=phase_order)
    questions = [
        question for question in every_question if options.includes_phase(question.phase.slug)
    ]
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "options": chosen,
        "plan": _plan_block(plan),
        "template": _template_block(version, questions),
        "answers": _answers(plan, questions, options),
        "record_sets": _record_sets(plan, questions, options),
    }
    if site_url:
        site_url = site_url.rstrip("/")
        document = {
            "$schema": f"{site_url}/schemas/plan-v{FORMAT_VERSION}.json",
            "exported_from": site_url,
            **document,
        }
    if options.include_appendix:
        document.update(_review_history(plan, options))
    return document


def plan_json_filename(plan: Plan) -> str:
    return f"{plan.slug or 'plan'}.plan.json"
