"""Readiness: what a phase app's checks read of a plan, and what they report.

Each phase app declares its checks in its `readiness.py` as `CHECKS`: plain functions that
take the plan's `PlanFacts` and return `ReadinessProblem`s, each with a plain message and
the question where it is fixed. `readiness_checks.py` lists them by plain imports.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import FilteredRelation, Q

from microcred.questionnaires.kinds import AnswerValue
from microcred.questionnaires.models import Question
from microcred.records.registry import REGISTRY, related_record_types

from .models import Answer, Plan
from .page_cache import fragment_key
from .selectors import condition_questions, hidden_questions, hidden_questions_by_plan


@dataclass(frozen=True)
class ReadinessProblem:
    phase: str  # the slug of the phase where it is fixed
    message: str
    question_key: str = ""  # the question where it is fixed ("" for the phase as a whole)


@runtime_checkable
class PhaseAppConfig(Protocol):
    """What a phase app's AppConfig says besides what every app's does."""

    phase_slug: str


def readiness_problem_count(count: int) -> str:
    """A number of readiness problems, in the words the pages use ("1 readiness problem")."""
    return f"{count} readiness problem{'' if count == 1 else 's'}"


def phase_slug_of(app_label: str) -> str:
    """The slug of the phase a phase app holds, named by its label: a phase app's checks
    and panels point at another phase this way, without importing a sibling app."""
    config = apps.get_app_config(app_label)
    if not isinstance(config, PhaseAppConfig):
        raise LookupError(f"{app_label} is not a phase app.")
    return config.phase_slug


def problem(*, app_label: str, message: str, question_key: str) -> ReadinessProblem:
    """A problem fixed in the phase of `app_label`."""
    return ReadinessProblem(
        phase=phase_slug_of(app_label), message=message, question_key=question_key
    )


@dataclass(frozen=True)
class RecordSetQuestion:
    """A record-set question of the plan's version, with what tells a change of its
    table: its answer's revision and time, which every change of the table's rows
    stamps (record_rows._count_rows); None while it has no answer."""

    pk: int
    key: str
    record_type: str
    applies: bool
    stamp: tuple[int, datetime] | None


class PlanFacts:
    """What readiness checks read of one plan: its answers by question key and its
    records by record type, loaded on first use, once per type. Questions that do not
    apply (their condition does not hold) read as unanswered and unasked.

    One instance serves a whole page: its tables, readiness and panels read each record
    type's rows once (`rows_of_type`). A page's (`cache_rows`) keeps them in the cache
    between requests, under the stamps of their tables: rows that change only through
    record_rows, which stamps them, as on the pages (tests that write rows directly read
    them without)."""

    def __init__(self, plan: Plan, *, cache_rows: bool = False) -> None:
        self.plan = plan
        self.cache_rows = cache_rows
        self._rows: dict[str, list[Any]] = {}

    @cached_property
    def _hidden(self) -> set[int]:
        return hidden_questions(self.plan)

    @cached_property
    def _answers(self) -> dict[str, AnswerValue]:
        return {
            key: value
            for question_id, key, value in self.plan.answers.filter(
                question__version_id=self.plan.template_version_id, value__isnull=False
            ).values_list("question_id", "question__key", "value")
            if question_id not in self._hidden
        }

    @cached_property
    def record_set_questions(self) -> list[RecordSetQuestion]:
        """The version's record-set questions in reading order, those that do not apply
        included, each with its table's stamp: one query."""
        plan_answer = FilteredRelation("answers", condition=Q(answers__plan_id=self.plan.pk))
        rows = (
            self.plan.template_version.questions.exclude(record_type="")
            .annotate(plan_answer=plan_answer)
            .order_by("phase__order", "order")
            .values_list(
                "pk", "key", "record_type", "plan_answer__revision", "plan_answer__updated_at"
            )
        )
        return [
            RecordSetQuestion(
                pk=pk,
                key=key,
                record_type=record_type,
                applies=pk not in self._hidden,
                stamp=None if updated_at is None else (revision, updated_at),
            )
            for pk, key, record_type, revision, updated_at in rows
        ]

    @cached_property
    def _record_set_questions(self) -> dict[str, list[RecordSetQuestion]]:
        """Record-set questions that apply, by record type."""
        by_type: dict[str, list[RecordSetQuestion]] = {}
        for question in self.record_set_questions:
            if question.applies:
                by_type.setdefault(question.record_type, []).append(question)
        return by_type

    def tables_stamp(self, record_types: Iterable[str]) -> tuple[object, ...]:
        """What the tables of these record types hold, as far as a cache key needs to
        know: which of their questions apply, and each table's stamp."""
        wanted = set(record_types)
        return tuple(
            (question.pk, question.applies, question.stamp)
            for question in self.record_set_questions
            if question.record_type in wanted
        )

    @cached_property
    def _rows_keys(self) -> dict[str, str]:
        """The cache key of the rows of each record type the version asks for: the stamps
        of its tables and of those its rows name, which every change of their rows
        stamps. (Rows of questions of older versions never change.)"""
        plan = self.plan
        keys = {}
        for record_type in {question.record_type for question in self.record_set_questions}:
            if record_type in REGISTRY:
                types = {record_type, *related_record_types(record_type)}
                stamps = [
                    (q.pk, q.stamp) for q in self.record_set_questions if q.record_type in types
                ]
                keys[record_type] = fragment_key(
                    "rows", plan.pk, plan.template_version_id, record_type, stamps
                )
        return keys

    @cached_property
    def _cached_rows(self) -> dict[str, list[Any]]:
        """The rows of each record type kept in the cache, in one read."""
        if not self.cache_rows:
            return {}
        found = cache.get_many(self._rows_keys.values())
        return {name: found[key] for name, key in self._rows_keys.items() if key in found}

    def rows_of_type(self, record_type: str) -> list[Any]:
        """Every row of the plan of a record type, whatever its question: what its
        tables, its lists in other tables and the checks read; read once (and with
        `cache_rows`, kept until a change of its tables, or of those its rows name, stamps
        them)."""
        if record_type not in self._rows:
            rows = self._cached_rows.get(record_type)
            if rows is None:
                rows = list(REGISTRY[record_type].rows_of(self.plan))
                if self.cache_rows and record_type in self._rows_keys:
                    cache.set(self._rows_keys[record_type], rows, settings.PAGE_CACHE_SECONDS)
            self._rows[record_type] = rows
        return self._rows[record_type]

    def answer(self, key: str) -> AnswerValue:
        """The stored answer to the question `key` (see kinds.py for its shape), or None."""
        return self._answers.get(key)

    def choice(self, key: str) -> str:
        """The option chosen in a single-choice or yes/no question ("" when unanswered)."""
        value = self.answer(key)
        choice: str = value.get("choice", "") if isinstance(value, dict) else ""
        return choice

    def choices(self, key: str) -> list[str]:
        """The options chosen in a multiple-choice question."""
        value = self.answer(key)
        return list(value.get("choices", [])) if isinstance(value, dict) else []

    def records(self, record_type: str) -> list[Any]:
        """The plan's rows of a record type, in the record-set questions of its version
        that apply. (Any: they are of the model the name registers, which only the caller
        knows.)"""
        question_ids = {question.pk for question in self._record_set_questions.get(record_type, [])}
        if not question_ids:
            return []
        return [row for row in self.rows_of_type(record_type) if row.question_id in question_ids]

    def asks(self, record_type: str) -> bool:
        """Whether the plan's template version has a question for this record type."""
        return record_type in self._record_set_questions

    def question_for(self, record_type: str) -> str:
        """The key of the question that holds a record type's rows ("" if none)."""
        questions = self._record_set_questions.get(record_type)
        return questions[0].key if questions else ""


def preloaded_plan_facts(plans: Sequence[Plan]) -> dict[int, PlanFacts]:
    """Each plan's PlanFacts, by plan id, with its answers, record-set questions and rows
    of every record type its version asks for read for all the plans at once: a fixed
    number of queries whatever the number of plans (one per record type, plus one per
    many-to-many field), none when the checks and figures read them."""
    plans = list(plans)
    version_ids = {plan.template_version_id for plan in plans}
    hidden = hidden_questions_by_plan(plans, condition_questions(version_ids))
    record_questions = list(
        Question.objects.filter(version_id__in=version_ids)
        .exclude(record_type="")
        .order_by("phase__order", "order")
        .values_list("pk", "version_id", "key", "record_type")
    )
    answers: dict[int, dict[str, AnswerValue]] = {plan.pk: {} for plan in plans}
    stamps: dict[tuple[int, int], tuple[int, datetime]] = {}
    version_of = {plan.pk: plan.template_version_id for plan in plans}
    for plan_id, question_id, version_id, key, value, revision, updated_at in (
        Answer.objects.filter(plan__in=plans, question__version_id__in=version_ids)
        .values_list(
            "plan_id",
            "question_id",
            "question__version_id",
            "question__key",
            "value",
            "revision",
            "updated_at",
        )
        .iterator()
    ):
        if version_id != version_of[plan_id]:
            continue
        stamps[plan_id, question_id] = (revision, updated_at)
        if value is not None and question_id not in hidden[plan_id]:
            answers[plan_id][key] = value
    record_types = {record_type for *_, record_type in record_questions if record_type in REGISTRY}
    rows: dict[int, dict[str, list[Any]]] = {
        plan.pk: {name: [] for name in record_types} for plan in plans
    }
    for name in record_types:
        for row in REGISTRY[name].rows_of_plans(plans):
            rows[row.plan_id][name].append(row)
    facts = {}
    for plan in plans:
        plan_facts = PlanFacts(plan)
        # What the cached properties would read, read already (see PlanFacts).
        plan_facts.__dict__["_hidden"] = hidden[plan.pk]
        plan_facts.__dict__["_answers"] = answers[plan.pk]
        plan_facts.__dict__["record_set_questions"] = [
            RecordSetQuestion(
                pk=pk,
                key=key,
                record_type=record_type,
                applies=pk not in hidden[plan.pk],
                stamp=stamps.get((plan.pk, pk)),
            )
            for pk, version_id, key, record_type in record_questions
            if version_id == plan.template_version_id
        ]
        plan_facts._rows = rows[plan.pk]
        facts[plan.pk] = plan_facts
    return facts


# A phase app's check: the problems it finds in the plan, none when the plan passes it.
ReadinessCheck = Callable[[PlanFacts], list[ReadinessProblem]]
