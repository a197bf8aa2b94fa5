"""Reads of the API: the plans a user sees, narrowed as the list's query asks, one plan's
metadata with its progress and readiness per phase, and a plan's answers."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from microcred.organizations.models import Organization
from microcred.plans.models import Answer, Plan
from microcred.plans.plan_lists import PlanListQuery, listed_plans
from microcred.plans.progress import phase_progress
from microcred.plans.readiness_checks import readiness_by_phase
from microcred.questionnaires.conditions import hidden_question_ids
from microcred.questionnaires.models import Question, TemplateVersion

from .models import ApiToken

ORDERINGS = ("title", "-title", "updated_at", "-updated_at")
DEFAULT_ORDERING = "-updated_at"


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


@dataclass(frozen=True)
class PlanFilters:
    """The list's query parameters, checked (serializers.PlanFiltersSerializer)."""

    search: str = ""
    status: str = ""
    organization: str = ""  # an organization's slug
    template_version: int | None = None  # a version's number
    updated_since: datetime | None = None
    ordering: str = DEFAULT_ORDERING


def api_plans(*, user: User | AnonymousUser, filters: PlanFilters) -> QuerySet[Plan]:
    """The plans the user sees, as "My plans" lists them (archived ones only when asked
    for by status), narrowed by `filters`; each with `viewer_role` and
    `viewer_organization_role`, and its organization and template version."""
    plans = listed_plans(
        user=user,
        query=PlanListQuery(search=filters.search, status=filters.status),
        archived=filters.status == Plan.Status.ARCHIVED,
    ).select_related("organization", "template_version")
    if filters.organization:
        plans = plans.filter(organization__slug=filters.organization)
    if filters.template_version is not None:
        plans = plans.filter(template_version__number=filters.template_version)
    if filters.updated_since is not None:
        plans = plans.filter(updated_at__gte=filters.updated_since)
    return plans.order_by(filters.ordering, "-pk")


@dataclass(frozen=True)
class PhaseSummary:
    title: str
    slug: str
    answered: int
    total: int
    problem_count: int

    @property
    def ready(self) -> bool:
        return not self.problem_count


def phase_summaries(plan: Plan) -> list[PhaseSummary]:
    """Each phase of the plan, in order: its questions answered of those that apply, and
    the readiness problems that keep it from being ready."""
    problems = readiness_by_phase(plan)
    return [
        PhaseSummary(
            title=progress.phase.title,
            slug=progress.phase.slug,
            answered=progress.answered,
            total=progress.total,
            problem_count=len(problems.get(progress.phase.slug, [])),
        )
        for progress in phase_progress([plan])[plan.pk]
    ]


def organization_name(named: str) -> str | None:
    """The name of the organization a request names by its slug or by its name (in any
    case); None when none has it. Unlike the New plan page, the API starts no
    organization: a script's typo would make one, with its caller as admin."""
    named = named.strip()
    found = Organization.objects.filter(Q(slug=named) | Q(name__iexact=named))
    return found.values_list("name", flat=True).first()


def published_version(number: int) -> TemplateVersion | None:
    return TemplateVersion.objects.filter(
        number=number, status=TemplateVersion.Status.PUBLISHED
    ).first()


@dataclass(frozen=True)
class AnswerState:
    """One question of a plan and where its answer stands (None: never answered)."""

    question: Question
    answer: Answer | None
    applies: bool

    @property
    def value(self) -> object:
        return self.answer.value if self.answer else None

    @property
    def revision(self) -> int:
        return self.answer.revision if self.answer else 0

    @property
    def updated_by(self) -> User | None:
        return self.answer.updated_by if self.answer else None

    @property
    def updated_at(self) -> datetime | None:
        return self.answer.updated_at if self.answer else None

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.is_answered


class PlanAnswers:
    """Every question of a plan's template version in reading order, with its answer and
    whether it applies: two queries, whatever the number of questions and answers."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.questions = list(
            Question.objects.filter(version_id=plan.template_version_id)
            .select_related("phase")
            .order_by("phase__order", "order")
        )
        self.answers: dict[int, Answer] = {
            answer.question_id: answer
            for answer in Answer.objects.filter(
                plan=plan, question__version_id=plan.template_version_id
            ).select_related("updated_by")
        }

    def question(self, key: str) -> Question | None:
        return next((question for question in self.questions if question.key == key), None)

    def states(self, *, phase: str = "") -> list[AnswerState]:
        values = {question_id: answer.value for question_id, answer in self.answers.items()}
        hidden = hidden_question_ids(self.questions, values)
        return [
            AnswerState(
                question=question,
                answer=self.answers.get(question.pk),
                applies=question.pk not in hidden,
            )
            for question in self.questions
            if not phase or question.phase.slug == phase
        ]

    def state(self, question: Question) -> AnswerState:
        return next(state for state in self.states() if state.question.pk == question.pk)

    def saved(self, answer: Answer | None) -> None:
        """Note an answer just saved, for the states that follow."""
        if answer is not None:
            self.answers[answer.question_id] = answer
