"""Readiness: what a phase app's checks read of a plan, and what they report.

Each phase app declares its checks in its `readiness.py` as `CHECKS`: plain functions that
take the plan's `PlanFacts` and return `ReadinessProblem`s, each with a plain message and
the question where it is fixed. `readiness_checks.py` lists them by plain imports.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

from django.apps import apps

from microcred.questionnaires.kinds import AnswerValue
from microcred.records.registry import REGISTRY

from .models import Plan
from .selectors import hidden_questions


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


class PlanFacts:
    """What readiness checks read of one plan: its answers by question key and its
    records by record type, loaded on first use, once per type. Questions that do not
    apply (their condition does not hold) read as unanswered and unasked."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._records: dict[str, list[Any]] = {}

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
    def _record_set_questions(self) -> dict[str, list[tuple[int, str]]]:
        """Record-set questions that apply, as (id, key), by record type."""
        by_type: dict[str, list[tuple[int, str]]] = {}
        for pk, key, record_type in (
            self.plan.template_version.questions.exclude(record_type="")
            .order_by("phase__order", "order")
            .values_list("pk", "key", "record_type")
        ):
            if pk not in self._hidden:
                by_type.setdefault(record_type, []).append((pk, key))
        return by_type

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
        """The plan's rows of a record type, in the record-set questions of its version.
        (Any: they are of the model the name registers, which only the caller knows.)"""
        if record_type not in self._records:
            question_ids = [pk for pk, _ in self._record_set_questions.get(record_type, [])]
            rows = REGISTRY[record_type].rows_of(self.plan, question_ids) if question_ids else []
            self._records[record_type] = list(rows)
        return self._records[record_type]

    def asks(self, record_type: str) -> bool:
        """Whether the plan's template version has a question for this record type."""
        return record_type in self._record_set_questions

    def question_for(self, record_type: str) -> str:
        """The key of the question that holds a record type's rows ("" if none)."""
        questions = self._record_set_questions.get(record_type)
        return questions[0][1] if questions else ""


# A phase app's check: the problems it finds in the plan, none when the plan passes it.
ReadinessCheck = Callable[[PlanFacts], list[ReadinessProblem]]
