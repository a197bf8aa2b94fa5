"""How far a plan is: each phase's questions answered of those that apply, its open
comments, and (on the dashboard) the readiness checks it fails."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db.models import Case, F, JSONField, Value, When

from microcred.questionnaires.conditions import controlling_question_ids, hidden_question_ids
from microcred.questionnaires.models import Phase, Question

from .models import Answer, Plan
from .readiness import ReadinessProblem
from .selectors import condition_questions, hidden_questions_by_plan, open_comment_counts


@dataclass(frozen=True)
class PhaseProgress:
    phase: Phase
    answered: int
    total: int
    open_comments: int = 0
    problems: tuple[ReadinessProblem, ...] = ()  # failing readiness checks, where asked for

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def is_complete(self) -> bool:
        return self.answered >= self.total


def phase_progress(plans: Iterable[Plan]) -> dict[int, list[PhaseProgress]]:
    """Each plan's progress per phase, by plan id, in four queries whatever the number
    of plans or questions. Questions that do not apply (their condition does not hold)
    are left out of both counts."""
    plans = list(plans)
    version_ids = {plan.template_version_id for plan in plans}
    phases = list(Phase.objects.filter(version_id__in=version_ids).order_by("order"))
    questions = condition_questions(version_ids)
    answered: dict[int, set[int]] = {plan.pk: set() for plan in plans}
    for plan_id, question_id in Answer.objects.filter(
        plan__in=plans, value__isnull=False
    ).values_list("plan_id", "question_id"):
        answered[plan_id].add(question_id)
    hidden = hidden_questions_by_plan(plans, questions)
    progress: dict[int, list[PhaseProgress]] = {}
    for plan in plans:
        counts: dict[int, list[int]] = {}
        for question in questions:
            if question.version_id != plan.template_version_id or question.pk in hidden[plan.pk]:
                continue
            count = counts.setdefault(question.phase_id, [0, 0])
            count[0] += question.pk in answered[plan.pk]
            count[1] += 1
        progress[plan.pk] = [
            PhaseProgress(
                phase=phase,
                answered=counts.get(phase.pk, [0, 0])[0],
                total=counts.get(phase.pk, [0, 0])[1],
            )
            for phase in phases
            if phase.version_id == plan.template_version_id
        ]
    return progress


def phase_progress_after_save(
    plan: Plan, phase: Phase, questions: Sequence[Question]
) -> tuple[PhaseProgress, list[str]]:
    """One phase's progress and the keys of its questions that do not apply, given the
    version's condition_questions, in one query: what a saved answer may change."""
    controlling = controlling_question_ids(questions)
    answers = Answer.objects.filter(plan=plan, value__isnull=False)
    if controlling:
        # The values of the answers that decide conditions; the others' are not needed.
        answers = answers.annotate(
            condition_value=Case(
                When(question_id__in=controlling, then=F("value")), output_field=JSONField()
            )
        )
    else:
        answers = answers.annotate(condition_value=Value(None, output_field=JSONField()))
    answered = set()
    values = {}
    for question_id, value in answers.values_list("question_id", "condition_value"):
        answered.add(question_id)
        if question_id in controlling:
            values[question_id] = value
    hidden = hidden_question_ids(questions, values)
    applying = {q.pk for q in questions if q.phase_id == phase.pk and q.pk not in hidden}
    progress = PhaseProgress(phase=phase, answered=len(answered & applying), total=len(applying))
    return progress, [q.key for q in questions if q.phase_id == phase.pk and q.pk in hidden]


def plan_phase_progress(plan: Plan) -> list[PhaseProgress]:
    """One plan's progress per phase, with each phase's open comment threads."""
    comments = open_comment_counts(plan)
    return [
        replace(p, open_comments=comments.get(p.phase.pk, 0))
        for p in phase_progress([plan])[plan.pk]
    ]
