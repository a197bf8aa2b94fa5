from dataclasses import dataclass

from django.db.models import Count

from microcred.questionnaires.models import Answer, Phase, Question

from .permissions import plans_visible_to


@dataclass(frozen=True)
class PhaseProgress:
    phase: Phase
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def is_complete(self) -> bool:
        return self.answered >= self.total


def phase_progress(plans) -> dict[int, list[PhaseProgress]]:
    """Each plan's progress per phase, by plan id, in two queries whatever the number
    of plans or questions."""
    plans = list(plans)
    version_ids = {plan.template_version_id for plan in plans}
    phases = list(
        Phase.objects.filter(version_id__in=version_ids)
        .annotate(total=Count("questions"))
        .order_by("order")
    )
    answered = {
        (row["plan_id"], row["question__phase_id"]): row["count"]
        for row in Answer.objects.filter(plan__in=plans, value__isnull=False)
        .values("plan_id", "question__phase_id")
        .annotate(count=Count("id"))
    }
    return {
        plan.pk: [
            PhaseProgress(
                phase=phase, answered=answered.get((plan.pk, phase.pk), 0), total=phase.total
            )
            for phase in phases
            if phase.version_id == plan.template_version_id
        ]
        for plan in plans
    }


def phase_progress_of(*, plan, phase) -> PhaseProgress:
    return PhaseProgress(
        phase=phase,
        answered=Answer.objects.filter(
            plan=plan, question__phase=phase, value__isnull=False
        ).count(),
        total=phase.questions.count(),
    )


def plans_with_progress(user):
    plans = list(plans_visible_to(user).select_related("template_version").order_by("-updated_at"))
    progress = phase_progress(plans)
    return [(plan, progress[plan.pk]) for plan in plans]


def unanswered_required_questions(plan):
    answered = Answer.objects.filter(plan=plan, value__isnull=False).values("question_id")
    return list(
        Question.objects.filter(version_id=plan.template_version_id, required=True)
        .exclude(id__in=answered)
        .select_related("phase")
        .order_by("phase__order", "order")
    )
