"""Comment threads on answers and phases: posting, replying, resolving."""

import datetime
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from microcred.plans.models import Comment, Plan
from microcred.plans.page_cache import plan_pages_changed
from microcred.plans.permissions import CANNOT_RESOLVE_THREAD, plan_access
from microcred.questionnaires.models import Phase, Question
from microcred.questionnaires.typed_text import validate_plain_text
from microcred.work.outbox import hand_over

from . import tasks
from .digests import record_comment_notices

COMMENT_MAX_LENGTH = 5_000
# One person's comments in a window, across all plans: enough for a thorough review, too
# few to flood a plan (2,225 comments in 45 s once made its pages and PDF unusable).
COMMENT_RATE_LIMIT = 30
COMMENT_RATE_WINDOW = datetime.timedelta(minutes=10)
REPLIES_PER_THREAD_MAX = 100


def _checked_body(body: str, *, user: User) -> str:
    """The comment's text as it is stored, or why it cannot be posted."""
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError("Write something before you post the comment.")
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            f"Keep comments under {COMMENT_MAX_LENGTH:,} characters (this one has {len(body):,})."
        )
    validate_plain_text(body, label="comment")
    recent = Comment.objects.filter(
        author=user, created_at__gte=timezone.now() - COMMENT_RATE_WINDOW
    ).count()
    if recent >= COMMENT_RATE_LIMIT:
        raise ValidationError(
            f"You have posted {recent} comments in the last "
            f"{COMMENT_RATE_WINDOW.seconds // 60} minutes. Please wait a few minutes before "
            "posting more; your text was not posted."
        )
    return body


def _check_place(
    *, plan: Plan, phase: Phase, question: Question | None, thread: Comment | None
) -> None:
    """Refuse a phase, question or thread that is not the plan's."""
    if phase.version_id != plan.template_version_id:
        raise ValidationError("That phase is not part of this plan.")
    if question is not None and question.phase_id != phase.pk:
        raise ValidationError("That question is not part of this phase.")
    if thread is None:
        return
    if thread.plan_id != plan.pk or thread.thread_id is not None:
        raise ValidationError("You can only reply to a thread of this plan.")
    if thread.replies.count() >= REPLIES_PER_THREAD_MAX:
        raise ValidationError(
            f"This thread has {REPLIES_PER_THREAD_MAX} replies, the most one thread can "
            "hold. Resolve it and start a new thread on the same answer."
        )


@transaction.atomic
def add_comment(
    *,
    plan: Plan,
    user: User,
    body: str,
    phase: Phase,
    question: Question | None = None,
    thread: Comment | None = None,
) -> Comment:
    """A new thread on an answer (question given) or a phase, or a reply to a thread."""
    body = _checked_body(body, user=user)
    _check_place(plan=plan, phase=phase, question=question, thread=thread)
    if thread is not None:
        phase, question = thread.phase, thread.question
    comment = Comment(
        plan=plan, phase=phase, question=question, thread=thread, author=user, body=body
    )
    comment.save()
    if thread is not None and thread.is_resolved:
        Comment.objects.filter(pk=thread.pk).update(resolved_at=None, resolved_by=None)
    plan_pages_changed(plan_id=plan.pk)
    # Noted for its readers with the comment itself, so that a broker or worker that is
    # down delays their digests (beat sends them once due) but never loses them.
    record_comment_notices(comment=comment)
    transaction.on_commit(partial(hand_over, tasks.send_digests_after_comment, comment.pk))
    return comment


@transaction.atomic
def set_thread_resolved(*, plan: Plan, thread_id: int, user: User, resolved: bool) -> Comment:
    """Resolve or reopen a thread; PermissionDenied for those who may not (see
    PlanAccess.can_resolve_thread)."""
    thread = Comment.objects.filter(plan=plan, pk=thread_id, thread__isnull=True).first()
    if thread is None:
        raise ValidationError("No such comment thread on this plan.")
    access = plan_access(user=user, plan=plan)
    if access is None or not access.can_resolve_thread(thread):
        raise PermissionDenied(CANNOT_RESOLVE_THREAD)
    thread.resolved_at = timezone.now() if resolved else None
    thread.resolved_by = user if resolved else None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    plan_pages_changed(plan_id=plan.pk)
    return thread
