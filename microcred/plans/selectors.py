import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import Coalesce, RowNumber
from django.shortcuts import get_object_or_404

from microcred.questionnaires.conditions import (
    conditional_question_ids,
    controlling_question_ids,
    hidden_question_ids,
)
from microcred.questionnaires.kinds import display_value
from microcred.questionnaires.models import Phase, Question, TemplateVersion
from microcred.questionnaires.selectors import (
    QuestionItem,
    newer_published_version,
    numbered_items,
)
from microcred.records.registry import record_tables

from .models import Answer, Comment, Plan, PlanActivity, ReviewRound
from .page_cache import fragment_key
from .permissions import NotLookedUp, PlanAccess


def hidden_questions_by_plan(
    plans: Sequence[Plan], questions: Sequence[Question]
) -> dict[int, set[int]]:
    """The ids of the questions that do not apply in each plan, by plan id, given the
    questions of the plans' versions in reading order; one query, none without
    conditions."""
    controlling = controlling_question_ids(questions)
    values: dict[int, dict[int, object]] = {plan.pk: {} for plan in plans}
    if controlling:
        for plan_id, question_id, value in Answer.objects.filter(
            plan__in=plans, question_id__in=controlling, value__isnull=False
        ).values_list("plan_id", "question_id", "value"):
            values[plan_id][question_id] = value
    by_version: dict[int, list[Question]] = {}
    for question in questions:
        by_version.setdefault(question.version_id, []).append(question)
    hidden: dict[int, set[int]] = {}
    for plan in plans:
        hidden[plan.pk] = hidden_question_ids(
            by_version.get(plan.template_version_id, []), values[plan.pk]
        )
        # Kept with the plan for the rest of the request (see hidden_questions), in its
        # __dict__ like a cached_property's value: save_answer forgets it there.
        plan.__dict__["_hidden_questions"] = hidden[plan.pk]
    return hidden


def hidden_questions(plan: Plan) -> set[int]:
    """The ids of the plan's questions that do not apply: two queries, once per request
    for a plan (the last count of its progress in the request, if any, tells)."""
    kept: set[int] | None = plan.__dict__.get("_hidden_questions")
    if kept is not None:
        return kept
    questions = condition_questions([plan.template_version_id])
    return hidden_questions_by_plan([plan], questions)[plan.pk]


def condition_questions(version_ids: Iterable[int]) -> list[Question]:
    """The versions' questions in reading order, with what deciding whether they apply
    reads of them: their phase, parent and condition."""
    return list(
        Question.objects.filter(version_id__in=version_ids)
        .order_by("phase__order", "order")
        .only("version_id", "phase_id", "parent_id", "key", "show_if_question_id", "show_if_values")
    )


@dataclass(frozen=True)
class VersionConditions:
    """The questions of a version that conditions involve, by id: those whose answers
    decide whether others apply, and those that some answer can make not apply."""

    deciding: frozenset[int]
    conditional: frozenset[int]

    def involve(self, question: Question) -> bool:
        return question.pk in self.deciding or question.pk in self.conditional


def version_conditions(version: TemplateVersion) -> VersionConditions:
    """The version's VersionConditions: from the cache once it is published, since only
    a draft's questions change."""
    key = fragment_key("version-conditions", version.pk, version.number)
    if version.status != TemplateVersion.Status.DRAFT:
        kept: VersionConditions | None = cache.get(key)
        if kept is not None:
            return kept
    questions = condition_questions([version.pk])
    conditions = VersionConditions(
        deciding=frozenset(controlling_question_ids(questions)),
        conditional=frozenset(conditional_question_ids(questions)),
    )
    if version.status != TemplateVersion.Status.DRAFT:
        cache.set(key, conditions, settings.PAGE_CACHE_SECONDS)
    return conditions


def unanswered_required_questions(plan: Plan) -> list[Question]:
    """The required questions that apply and have no answer, in reading order."""
    answered = Answer.objects.filter(plan=plan, value__isnull=False).values("question_id")
    hidden = hidden_questions(plan)
    return [
        question
        for question in Question.objects.filter(version_id=plan.template_version_id, required=True)
        .exclude(id__in=answered)
        .select_related("phase")
        .order_by("phase__order", "order")
        if question.pk not in hidden
    ]


def open_comment_counts(plan: Plan) -> dict[int, int]:
    """Unresolved comment threads by phase id."""
    return {
        row["phase_id"]: row["count"]
        for row in Comment.objects.filter(plan=plan, thread__isnull=True, resolved_at__isnull=True)
        .values("phase_id")
        .annotate(count=Count("id"))
    }


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment]
    more_replies: int = 0


def _threads(comments: Iterable[Comment]) -> list[Thread]:
    """Comments (oldest first) gathered into threads: each first comment with its replies."""
    threads: dict[int, Thread] = {}
    for comment in comments:
        if comment.thread_id is None:
            threads[comment.pk] = Thread(comment=comment, replies=[])
        elif comment.thread_id in threads:
            threads[comment.thread_id].replies.append(comment)
    return list(threads.values())


# A phase page shows this many threads per answer (open ones first, then the newest), each
# with its newest replies; the rest are one link away, so that a flood of comments cannot
# swamp the page (5 threads of 100 replies of 5,000 characters once made one answer 2.8 MB).
THREADS_SHOWN_PER_ANSWER = 5
REPLIES_SHOWN_PER_THREAD = 5


ThreadT = TypeVar("ThreadT")  # a Thread, or what a report makes of one


class ThreadList(list[ThreadT]):
    """The threads shown for one answer, knowing how many there are in all."""

    def __init__(self, threads: Iterable[ThreadT] = (), *, total: int = 0) -> None:
        super().__init__(threads)
        self.total = total

    @property
    def hidden(self) -> int:
        return self.total - len(self)


def _shown_comments(thread_ids: list[int]) -> QuerySet[Comment]:
    """The threads' first comments, each with its newest REPLIES_SHOWN_PER_THREAD replies
    (oldest first)."""
    return (
        Comment.objects.filter(Q(pk__in=thread_ids) | Q(thread_id__in=thread_ids))
        .annotate(
            # The first comment ranks first, then the replies from the newest.
            rank=Window(
                RowNumber(),
                partition_by=Coalesce("thread_id", "pk"),
                order_by=[F("thread_id").asc(nulls_first=True), F("created_at").desc(), "-pk"],
            ),
        )
        .filter(rank__lte=1 + REPLIES_SHOWN_PER_THREAD)
        .select_related("author", "resolved_by")
        .order_by("created_at", "pk")
    )


def phase_threads(*, plan: Plan, phase: Phase) -> dict[int | None, ThreadList[Thread]]:
    """The phase's comment threads by question id (None: on the whole phase), oldest
    first, at most THREADS_SHOWN_PER_ANSWER per answer, each with its newest
    REPLIES_SHOWN_PER_THREAD replies (`more_replies` counts the others); two queries
    whatever their number."""
    heads = (
        Comment.objects.filter(plan=plan, phase=phase, thread__isnull=True)
        .annotate(reply_count=Count("replies"))
        .order_by(F("resolved_at").desc(nulls_first=True), "-created_at", "-pk")
        .values_list("pk", "question_id", "reply_count")
    )
    shown: dict[int | None, list[int]] = {}
    totals: dict[int | None, int] = {}
    reply_counts: dict[int, int] = {}
    for pk, question_id, reply_count in heads:
        reply_counts[pk] = reply_count
        totals[question_id] = totals.get(question_id, 0) + 1
        if totals[question_id] <= THREADS_SHOWN_PER_ANSWER:
            shown.setdefault(question_id, []).append(pk)
    shown_ids = [pk for pks in shown.values() for pk in pks]
    comments = list(_shown_comments(shown_ids))
    by_question: dict[int | None, ThreadList[Thread]] = {
        question_id: ThreadList(total=total) for question_id, total in totals.items()
    }
    for thread in _threads(comments):
        thread.more_replies = reply_counts[thread.comment.pk] - len(thread.replies)
        by_question[thread.comment.question_id].append(thread)
    return by_question


def plan_threads(
    *, plan: Plan, question: Question | None = None, include_resolved: bool = False
) -> QuerySet[Comment]:
    """The plan's thread heads for the comments page, newest first, with their phase,
    question and reply count; optionally only those on one question."""
    threads = Comment.objects.filter(plan=plan, thread__isnull=True)
    if question is not None:
        threads = threads.filter(question=question)
    if not include_resolved:
        threads = threads.filter(resolved_at__isnull=True)
    return (
        threads.select_related("author", "resolved_by", "phase", "question")
        .annotate(reply_count=Count("replies"))
        .order_by("-created_at", "-pk")
    )


# The PDF appendix prints at most this many open threads, each with at most this many
# replies, and says how many more there are: a flood of comments must not make the
# report unprintable.
APPENDIX_THREADS_MAX = 50
APPENDIX_REPLIES_MAX = 10


def unresolved_threads(plan: Plan) -> ThreadList[Thread]:
    """The plan's open threads with their replies, in phase and question order, at most
    APPENDIX_THREADS_MAX of them and APPENDIX_REPLIES_MAX replies each (a thread's
    `more_replies` counts the rest); the list's `total` counts every open thread."""
    heads = Comment.objects.filter(plan=plan, thread__isnull=True, resolved_at__isnull=True)
    total = heads.count()
    shown = list(
        heads.order_by("phase__order", F("question__order").asc(nulls_first=True), "created_at")
        .select_related("author", "phase", "question")
        .annotate(reply_count=Count("replies"))[:APPENDIX_THREADS_MAX]
    )
    replies: dict[int | None, list[Comment]] = {}
    for reply in (
        Comment.objects.filter(thread__in=shown).select_related("author").order_by("created_at")
    ):
        replies.setdefault(reply.thread_id, []).append(reply)
    threads: ThreadList[Thread] = ThreadList(total=total)
    for head in shown:
        thread = Thread(comment=head, replies=replies.get(head.pk, [])[:APPENDIX_REPLIES_MAX])
        thread.more_replies = head.reply_count - len(thread.replies)
        threads.append(thread)
    return threads


def review_rounds(plan: Plan) -> list[ReviewRound]:
    return list(
        plan.review_rounds.select_related("submitted_by", "decided_by", "reopened_by").order_by(
            "number"
        )
    )


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change from `before` to `after` word by word, as (operation, text) pieces:
    "same", "removed" or "added"."""
    old, new = re.findall(r"\s+|[^\s]+", before), re.findall(r"\s+|[^\s]+", after)
    pieces: list[tuple[str, str]] = []
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


def answer_history(*, plan: Plan, question: Question) -> list[dict[str, object]]:
    """Every saved version of one answer, newest first, with the change each made."""
    records = list(
        Answer.history.filter(
            id__in=Answer.objects.filter(plan=plan, question=question).values("id")
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries: list[dict[str, object]] = []
    previous = ""
    for record in records:
        text = display_value(question, record.value)
        entries.append({"record": record, "text": text, "diff": word_diff(previous, text)})
        previous = text
    return list(reversed(entries))


# Invitations name addresses, which only those who manage the members see.
INVITATION_VERBS = (PlanActivity.Verb.INVITED, PlanActivity.Verb.INVITATION_WITHDRAWN)


def plan_activity(
    plan: Plan, *, limit: int | None = None, include_invitations: bool = True
) -> tuple[list[PlanActivity], bool]:
    """The plan's activity, newest first, at most `limit` entries; and whether there is
    more. One query."""
    activities = PlanActivity.objects.filter(plan=plan)
    if not include_invitations:
        activities = activities.exclude(verb__in=INVITATION_VERBS)
    if limit is None:
        return list(activities), False
    shown = list(activities[: limit + 1])
    return shown[:limit], len(shown) > limit


def phase_questions_with_answers(*, plan: Plan, phase: Phase) -> list[QuestionItem]:
    questions = list(phase.questions.order_by("order"))
    answers = Answer.objects.filter(plan=plan, question__phase=phase).select_related("updated_by")
    return numbered_items(questions, {a.question_id: a for a in answers})


def archived_answers(plan: Plan) -> list[QuestionItem]:
    """The plan's answers to questions that are not in its template version: those left
    behind when it moved to a newer version. Kept, read-only, oldest version first."""
    answers = (
        Answer.objects.filter(plan=plan, value__isnull=False)
        .exclude(question__version_id=plan.template_version_id)
        .select_related("question__phase__version", "updated_by")
        .order_by("question__version__number", "question__phase__order", "question__order")
    )
    items = [QuestionItem(question=a.question, number="", depth=0, answer=a) for a in answers]
    tables = record_tables(plan, [item.question for item in items])
    for item in items:
        item.record_set = tables.get(item.question.pk)
    return items


# version_context's `newer_version` when the caller has not looked it up (None: there is none).
NOT_LOOKED_UP: Final = NotLookedUp.NOT_LOOKED_UP


def version_context(
    plan: Plan,
    *,
    access: PlanAccess | None = None,
    newer_version: TemplateVersion | None | NotLookedUp = NOT_LOOKED_UP,
) -> dict[str, object]:
    """What a plan's pages show about template versions: the newer published version it
    could move to (pass it when already looked up), whether the person whose `access`
    (their already-computed plan access) is given may move it (its owner may), and its
    archived answers. `plan.template_version` should be loaded with the plan."""
    if newer_version is NOT_LOOKED_UP:
        newer_version = newer_published_version(plan.template_version)
    return {
        "newer_version": newer_version,
        "can_move_version": bool(newer_version and access and access.is_owner),
        "archived_answers": archived_answers(plan),
    }


def plans_with_version() -> QuerySet[Plan]:
    """Plans with their template version, which every page of a plan names."""
    return Plan.objects.select_related("template_version")


def phase_or_404(plan: Plan, phase_slug: str) -> Phase:
    """The phase of the plan's template version with this slug, or a 404."""
    return get_object_or_404(plan.template_version.phases, slug=phase_slug)


def phase_question_or_404(plan: Plan, phase_slug: str, key: str) -> Question | None:
    """The question `key` of the plan's phase `phase_slug`, with its phase, in one query.
    None when the phase has no such question; a 404 when the plan has no such phase."""
    question = (
        Question.objects.filter(
            version_id=plan.template_version_id, phase__slug=phase_slug, key=key
        )
        .select_related("phase")
        .first()
    )
    if question is None:
        phase_or_404(plan, phase_slug)
    return question
