"""Moving plans to a newer template version: what the move does to a plan's answers, the
move itself, and moving several plans at once (for template admins)."""

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.utils import timezone

from microcred.questionnaires.differences import VersionDifferences, version_differences
from microcred.questionnaires.kinds import clean_value, display_value
from microcred.questionnaires.models import Question, TemplateVersion
from microcred.records.registry import REGISTRY

from . import roles
from .activity import record_activity
from .answers import note_change
from .models import Answer, Comment, Plan, PlanActivity, PlanMembership
from .services import display_name

PUBLISHED = TemplateVersion.Status.PUBLISHED


class MoveRefused(Exception):
    pass


@dataclass(frozen=True)
class CarriedAnswer:
    """An answer that follows its question key to the new version."""

    answer: Answer
    question: Question  # the question with the same key in the new version
    value: object  # the answer's value as the new question keeps it
    answer_question_id: int = 0  # the question it answers before the move

    @property
    def reworded(self) -> bool:
        return self.answer.question.text != self.question.text


@dataclass(frozen=True)
class AnswerToArchive:
    """An answer that stays with its old question, and why."""

    answer: Answer
    reason: str

    @property
    def display(self) -> str:
        return display_value(self.answer.question, self.answer.value)


@dataclass(frozen=True)
class VersionMove:
    """What moving a plan to another template version does to its answers."""

    plan: Plan
    target: TemplateVersion
    carried: list[CarriedAnswer]  # every answer row that moves, answered or cleared
    archived: list[AnswerToArchive]  # answered only: a cleared answer has nothing to keep
    new_questions: list[Question]

    @property
    def carried_answers(self) -> list[CarriedAnswer]:
        return [carried for carried in self.carried if carried.answer.value is not None]

    @property
    def reworded(self) -> list[CarriedAnswer]:
        return [carried for carried in self.carried_answers if carried.reworded]

    @property
    def unchanged(self) -> list[CarriedAnswer]:
        return [carried for carried in self.carried_answers if not carried.reworded]


def version_move(*, plan: Plan, target: TemplateVersion) -> VersionMove:
    """What moving `plan` to `target` would do, in three queries: which answers carry
    over (same question key, and a value the new question accepts), which stay behind
    as archived answers, and which of target's questions are new to the plan."""
    return version_moves(plans=[plan], target=target)[plan.pk]


def version_moves(*, plans: Sequence[Plan], target: TemplateVersion) -> dict[int, VersionMove]:
    """What moving each of `plans` to `target` would do (see version_move), by plan id,
    in three queries however many plans."""
    answers = (
        Answer.objects.filter(plan__in=plans, question__version_id=F("plan__template_version_id"))
        .select_related("question__phase")
        .order_by("question__phase__order", "question__order")
    )
    questions = list(target.questions.select_related("phase").order_by("phase__order", "order"))
    by_key = {question.key: question for question in questions}
    carried: defaultdict[int, list[CarriedAnswer]] = defaultdict(list)
    archived: defaultdict[int, list[AnswerToArchive]] = defaultdict(list)
    for answer in answers:
        outcome = _carry_or_archive(answer, question=by_key.get(answer.question.key), target=target)
        if isinstance(outcome, CarriedAnswer):
            carried[answer.plan_id].append(outcome)
        elif outcome is not None:
            archived[answer.plan_id].append(outcome)
    source_keys: defaultdict[int, set[str]] = defaultdict(set)
    for version_id, key in Question.objects.filter(
        version_id__in={plan.template_version_id for plan in plans}
    ).values_list("version_id", "key"):
        source_keys[version_id].add(key)
    return {
        plan.pk: VersionMove(
            plan=plan,
            target=target,
            carried=carried[plan.pk],
            archived=archived[plan.pk],
            new_questions=[
                question
                for question in questions
                if question.key not in source_keys[plan.template_version_id]
            ],
        )
        for plan in plans
    }


def moved_message(move: VersionMove) -> str:
    carried = len(move.carried_answers)
    archived = len(move.archived)
    message = (
        f"Moved to template version {move.target.number}: "
        f"{carried} answer{pluralize(carried)} carried over"
    )
    if archived:
        message += f", {archived} kept under “Archived answers”"
    return message + "."


def unplaced_message(move: VersionMove) -> str:
    """Why a plan was not moved without its confirmation."""
    count = len(move.archived)
    return (
        f"{count} answer{pluralize(count)} could not be placed in version "
        f"{move.target.number} and would be kept under “Archived answers”. Confirm this plan "
        "to move it anyway."
    )


def _carry_or_archive(
    answer: Answer, *, question: Question | None, target: TemplateVersion
) -> CarriedAnswer | AnswerToArchive | None:
    """Whether the answer follows `question`, the one with its key in `target`, or stays
    behind as an archived answer; None for a cleared answer that cannot follow."""
    if question is None:
        reason = f"Version {target.number} does not ask this question."
    elif answer.question.record_type != question.record_type:
        # A table's rows follow only a question that asks for the same table.
        reason = f"Version {target.number} asks for another table here."
    else:
        try:
            value = None if answer.value is None else clean_value(question, answer.value)
        except ValidationError as error:
            reason = (
                f"The answer does not fit the question in version {target.number}: "
                + " ".join(error.messages)
            )
            return AnswerToArchive(answer=answer, reason=reason)
        return CarriedAnswer(
            answer=answer, question=question, value=value, answer_question_id=answer.question_id
        )
    return None if answer.value is None else AnswerToArchive(answer=answer, reason=reason)


@transaction.atomic
def move_plan_to_version(
    *, plan: Plan, version: TemplateVersion, user, may_archive: bool = True
) -> VersionMove:
    """Move the plan to a newer published version. Each answer whose question key is in
    the new version, with a value the new question accepts, follows it there (a new
    revision, in the answer's history); the others stay with their old question and show
    as archived answers; comment threads follow their questions. Nothing is deleted. The
    move is recorded in the plan's activity. Refused while the plan's answers are locked
    (in review, approved), and, unless `may_archive`, when an answer would be archived."""
    current = _plan_that_may_move(plan=plan, version=version)
    source = current.template_version
    move = version_move(plan=current, target=version)
    if move.archived and not may_archive:
        raise MoveRefused(unplaced_message(move))
    moved = Plan.objects.filter(pk=plan.pk, template_version=source).update(
        template_version=version, updated_at=timezone.now()
    )
    if not moved:
        raise MoveRefused("Someone else moved this plan meanwhile. Reload the page.")
    _move_comments(plan=current, source=source, target=version)
    _carry_answers(move, plan=plan, user=user, reason=f"Moved to template version {version.number}")
    plan.template_version = version
    record_activity(
        plan=plan,
        actor=user,
        verb=PlanActivity.Verb.VERSION_MOVED,
        summary=f"{display_name(user)} moved the plan to template version {version.number}",
    )
    return move


def _plan_that_may_move(*, plan: Plan, version: TemplateVersion) -> Plan:
    """The plan's row, locked, with its template version; MoveRefused unless it may move
    to `version`."""
    if version.status != PUBLISHED:
        raise MoveRefused(f"Version {version.number} is not published.")
    # Locking the plan row orders this move against answer saves and submissions.
    current = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("template_version")
        .get(pk=plan.pk)
    )
    if current.answers_lock_reason:
        raise MoveRefused(current.answers_lock_reason)
    source = current.template_version
    if version.number <= source.number:
        raise MoveRefused(
            f"This plan is on version {source.number}: it can only move to a newer version."
        )
    return current


def _carry_answers(move: VersionMove, *, plan: Plan, user, reason: str) -> None:
    """Each carried answer follows its new question as a new revision, and a table's rows
    with it."""
    for carried in move.carried:
        answer = carried.answer
        answer.question = carried.question
        answer.value = carried.value
        answer.revision += 1
        note_change(answer, user=user, reason=reason)
        answer.save(update_fields=["question", "value", "revision"])
        if carried.question.record_type:
            # The table's rows follow their question; a row's own history has nothing to add.
            REGISTRY[carried.question.record_type].model.objects.filter(
                plan=plan, question=carried.answer_question_id
            ).update(question=carried.question)


def _move_comments(*, plan, source, target) -> None:
    """Comment threads follow their question's key, or their phase's slug, to the new
    version; those on a question it does not ask stay where they are, like its answer."""
    questions = {question.key: question for question in target.questions.all()}
    phases = {phase.slug: phase for phase in target.phases.all()}
    moved = []
    for comment in plan.comments.filter(phase__version=source).select_related("phase", "question"):
        if comment.question is not None:
            question = questions.get(comment.question.key)
            if question is not None:
                comment.question, comment.phase_id = question, question.phase_id
                moved.append(comment)
        elif comment.phase.slug in phases:
            comment.phase = phases[comment.phase.slug]
            moved.append(comment)
    if moved:
        Comment.objects.bulk_update(moved, ["phase", "question"])


@dataclass(frozen=True)
class PlanMoveOutcome:
    """Whether one plan of a move of several moved, and what happened or why not."""

    plan: Plan
    moved: bool
    message: str


def move_plans_to_version(
    *, plans: Sequence[Plan], version: TemplateVersion, confirmed_ids: Collection[int], user
) -> list[PlanMoveOutcome]:
    """Move each of `plans` to `version` as its owner would (move_plan_to_version), each
    in a transaction of its own, so that one refusal stops no other. A plan with answers
    that could not be placed in `version` moves only if its id is in `confirmed_ids`."""
    outcomes = []
    for plan in plans:
        try:
            move = move_plan_to_version(
                plan=plan, version=version, user=user, may_archive=plan.pk in confirmed_ids
            )
        except MoveRefused as refused:
            outcomes.append(PlanMoveOutcome(plan=plan, moved=False, message=str(refused)))
        else:
            outcomes.append(PlanMoveOutcome(plan=plan, moved=True, message=moved_message(move)))
    return outcomes


def plans_on_older_versions(*, version: TemplateVersion) -> list[Plan]:
    """The plans that could move to `version`: those on an older version, by version and
    title, with their version."""
    return list(
        Plan.objects.filter(template_version__number__lt=version.number)
        .select_related("template_version")
        .order_by("template_version__number", "title", "pk")
    )


def may_move_plans_in_bulk(user) -> bool:
    """Template admins (and superusers) move plans to a new version, several at once."""
    return user.is_superuser or user.groups.filter(name=roles.TEMPLATE_ADMINS).exists()


@dataclass(frozen=True)
class PlanToMove:
    """A plan on an older version as the move of several shows it: its owners, why it
    cannot move now ("" when it can), and what the move would do."""

    plan: Plan
    owners: str
    lock_reason: str
    move: VersionMove


@dataclass(frozen=True)
class PlansOnVersion:
    """The plans on one older version, and what changed from it to the new one."""

    source: TemplateVersion
    differences: VersionDifferences
    plans: list[PlanToMove]


def plans_to_move(*, version: TemplateVersion, plans: Sequence[Plan]) -> list[PlansOnVersion]:
    """`plans` (on older versions than `version`, in order) grouped by their version, each
    with what moving it to `version` would do. A fixed number of queries per group."""
    moves = version_moves(plans=plans, target=version)
    owners: defaultdict[int, list[str]] = defaultdict(list)
    for membership in PlanMembership.objects.filter(
        plan__in=plans, role=PlanMembership.Role.OWNER
    ).select_related("user"):
        owners[membership.plan_id].append(display_name(membership.user))
    by_source: dict[int, list[Plan]] = {}
    for plan in plans:
        by_source.setdefault(plan.template_version_id, []).append(plan)
    return [
        PlansOnVersion(
            source=grouped[0].template_version,
            differences=version_differences(old=grouped[0].template_version, new=version),
            plans=[
                PlanToMove(
                    plan=plan,
                    owners=", ".join(owners[plan.pk]),
                    lock_reason=plan.answers_lock_reason,
                    move=moves[plan.pk],
                )
                for plan in grouped
            ],
        )
        for grouped in by_source.values()
    ]
