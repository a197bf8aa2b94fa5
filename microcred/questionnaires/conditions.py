"""Conditional questions: a question with a condition (`show_if_question`, `show_if_values`)
applies only when that earlier choice or yes / no question has one of the values. A
question that does not apply is hidden: not asked, not required, not counted. Its
sub-questions are hidden with it, and so are the questions that depend on it.
"""

from collections.abc import Iterable, Mapping, Sequence

from .kinds import OTHER, AnswerValue
from .models import Question


def chosen_values(value: AnswerValue) -> list[str]:
    """The options an answer of a choice or yes / no question chose."""
    if not isinstance(value, dict):
        return []
    if "choices" in value:
        return list(value["choices"])
    return [value["choice"]] if value.get("choice") else []


def hidden_question_ids(
    questions: Iterable[Question], values_by_question_id: Mapping[int, AnswerValue]
) -> set[int]:
    """The ids of the questions that do not apply, given the answers' values by question
    id. `questions` must be in reading order (a parent and every condition's question
    before the questions that depend on them), as the rules require."""
    return set(_hidden(questions, values_by_question_id))


def not_applicable_reasons(
    questions: Sequence[Question], values_by_question_id: Mapping[int, AnswerValue]
) -> dict[int, str]:
    """Why each question that does not apply does not, by question id: its own condition
    in words, or that of the question it comes under or depends on."""
    by_id = {question.pk: question for question in questions}
    reasons: dict[int, str] = {}
    for question_id, cause_id in _hidden(questions, values_by_question_id).items():
        reasons[question_id] = reasons.get(cause_id) or condition_text(by_id[cause_id], by_id)
    return reasons


def _hidden(
    questions: Iterable[Question], values_by_question_id: Mapping[int, AnswerValue]
) -> dict[int, int]:
    """The questions that do not apply, each with the question whose condition fails."""
    hidden: dict[int, int] = {}
    for question in questions:
        if question.parent_id in hidden:
            hidden[question.pk] = hidden[question.parent_id]
        elif question.show_if_question_id in hidden:
            hidden[question.pk] = hidden[question.show_if_question_id]
        elif question.show_if_question_id is not None:
            chosen = chosen_values(values_by_question_id.get(question.show_if_question_id))
            if not set(chosen) & set(question.show_if_values):
                hidden[question.pk] = question.pk
    return hidden


def conditional_question_ids(questions: Iterable[Question]) -> set[int]:
    """The questions that some answer can make not apply: those with a condition and
    those under one, given in reading order (parents first)."""
    conditional: set[int] = set()
    for question in questions:
        if question.show_if_question_id is not None or question.parent_id in conditional:
            conditional.add(question.pk)
    return conditional


def controlling_question_ids(questions: Iterable[Question]) -> set[int]:
    """The questions whose answers decide whether others apply."""
    return {q.show_if_question_id for q in questions if q.show_if_question_id is not None}


def values_in_words(values: Sequence[str]) -> str:
    """The answers of a condition as a reader knows them: “Yes”, “Stackable” or “Other”."""
    names = {"yes": "Yes", "no": "No", OTHER: "Other"}
    quoted = [f"“{names.get(value, value)}”" for value in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def condition_text(question: Question, questions_by_id: Mapping[int, Question]) -> str:
    """The condition of a question in words: “Applies when “Which credential model?” is
    Stackable.” ("" for a question without one)."""
    if question.show_if_question_id is None:
        return ""
    target = questions_by_id.get(question.show_if_question_id)
    if target is None:
        return ""
    names = {"yes": "yes", "no": "no", OTHER: "Other"}
    values = [f"“{names.get(value, value)}”" for value in question.show_if_values]
    answered = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
    return f"Applies when the answer to “{target.text}” is {answered}."
