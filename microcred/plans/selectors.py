import difflib
import re
from dataclasses import dataclass, replace

from django.db.models import Count, Max, Q

from microcred.questionnaires.kinds import display_value
from microcred.questionnaires.models import Answer, Phase, Question

from .models import Comment, Plan, PlanMembership, ReviewRound
from .permissions import plans_visible_to


@dataclass(frozen=True)
class PhaseProgress:
    phase: Phase
    answered: int
    total: int
    open_comments: int = 0

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


def open_comment_counts(plan) -> dict[int, int]:
    """Unresolved comment threads by phase id."""
    return {
        row["phase_id"]: row["count"]
        for row in Comment.objects.filter(plan=plan, thread__isnull=True, resolved_at__isnull=True)
        .values("phase_id")
        .annotate(count=Count("id"))
    }


def plan_phase_progress(plan) -> list[PhaseProgress]:
    """One plan's progress per phase, with each phase's open comment threads."""
    comments = open_comment_counts(plan)
    return [
        replace(p, open_comments=comments.get(p.phase.pk, 0))
        for p in phase_progress([plan])[plan.pk]
    ]


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment]


def _threads(comments) -> list[Thread]:
    """Comments (oldest first) gathered into threads: each first comment with its replies."""
    threads: dict[int, Thread] = {}
    for comment in comments:
        if comment.thread_id is None:
            threads[comment.pk] = Thread(comment=comment, replies=[])
        elif comment.thread_id in threads:
            threads[comment.thread_id].replies.append(comment)
    return list(threads.values())


def phase_threads(*, plan, phase) -> dict[int | None, list[Thread]]:
    """The phase's comment threads by question id (None: on the whole phase), oldest
    first, in one query."""
    comments = Comment.objects.filter(plan=plan, phase=phase).select_related(
        "author", "resolved_by"
    )
    by_question: dict[int | None, list[Thread]] = {}
    for thread in _threads(comments.order_by("created_at", "pk")):
        by_question.setdefault(thread.comment.question_id, []).append(thread)
    return by_question


def unresolved_threads(plan) -> list[Thread]:
    """Every open thread of the plan with its replies, in phase and question order."""
    comments = (
        Comment.objects.filter(plan=plan)
        .filter(
            Q(thread__isnull=True, resolved_at__isnull=True)
            | Q(thread__isnull=False, thread__resolved_at__isnull=True)
        )
        .select_related("author", "phase", "question")
        .order_by("created_at", "pk")
    )
    return sorted(
        _threads(comments),
        key=lambda t: (
            t.comment.phase.order,
            t.comment.question.order if t.comment.question else 0,
            t.comment.created_at,
        ),
    )


def review_rounds(plan) -> list[ReviewRound]:
    return list(plan.review_rounds.select_related("submitted_by", "decided_by").order_by("number"))


def awaiting_review(user):
    """Plans in review on which the user is a committee reviewer, with their open round."""
    plans = (
        Plan.objects.filter(
            status=Plan.Status.IN_REVIEW,
            memberships__user=user,
            memberships__role=PlanMembership.Role.REVIEWER,
        )
        .select_related("created_by")
        .annotate(round_number=Max("review_rounds__number"))
        .order_by("updated_at")
    )
    plans = list(plans)
    rounds = {
        (r.plan_id, r.number): r
        for r in ReviewRound.objects.filter(plan__in=plans).select_related("submitted_by")
    }
    owners = {
        m.plan_id: m.user
        for m in PlanMembership.objects.filter(
            plan__in=plans, role=PlanMembership.Role.OWNER
        ).select_related("user")
    }
    return [(plan, owners.get(plan.pk), rounds.get((plan.pk, plan.round_number))) for plan in plans]


@dataclass
class AnswerChange:
    question: Question
    before: str
    after: str
    changed_by: object
    changed_at: object

    @property
    def diff(self):
        return word_diff(self.before, self.after)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change from `before` to `after` word by word, as (operation, text) pieces:
    "same", "removed" or "added"."""
    old, new = re.findall(r"\s+|[^\s]+", before), re.findall(r"\s+|[^\s]+", after)
    pieces = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            pieces.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(new[b1:b2])))
    return pieces


def changes_since(plan, since) -> list[AnswerChange]:
    """Each answer of the plan's current version changed after `since`: its value then
    and now, with who changed it last and when. Two queries."""
    history = (
        # By answer id, so that records from before a move to a newer template count too.
        Answer.history.filter(
            id__in=Answer.objects.filter(
                plan=plan, question__version_id=plan.template_version_id
            ).values("id")
        )
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    records: dict[int, list] = {}
    for record in history:
        records.setdefault(record.id, []).append(record)
    changed = {
        answer_id: versions
        for answer_id, versions in records.items()
        if versions[-1].history_date > since
    }
    questions = Question.objects.in_bulk({v[-1].question_id for v in changed.values()})
    changes = []
    for versions in changed.values():
        earlier = [v for v in versions if v.history_date <= since]
        latest = versions[-1]
        question = questions[latest.question_id]
        before = display_value(question, earlier[-1].value) if earlier else ""
        after = display_value(question, latest.value)
        if before != after:
            changes.append(
                AnswerChange(
                    question=question,
                    before=before,
                    after=after,
                    changed_by=latest.history_user,
                    changed_at=latest.history_date,
                )
            )
    return sorted(changes, key=lambda c: (c.question.phase_id, c.question.order))


def answer_history(*, plan, question):
    """Every saved version of one answer, newest first, with the change each made."""
    records = list(
        Answer.history.filter(
            id__in=Answer.objects.filter(plan=plan, question=question).values("id")
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    previous = ""
    for record in records:
        text = display_value(question, record.value)
        entries.append({"record": record, "text": text, "diff": word_diff(previous, text)})
        previous = text
    return list(reversed(entries))


def comparison_round(plan) -> ReviewRound | None:
    """The review round whose opening the "changes since the last review" page compares
    with: while a plan is in review, the round before the open one; otherwise the last."""
    rounds = plan.review_rounds.order_by("-number")
    if plan.status == Plan.Status.IN_REVIEW:
        return rounds[1:2].first()
    return rounds.first()
