from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.services import save_answer

from . import roles, tasks
from .models import Comment, Plan, PlanMembership, ReviewRound
from .permissions import SUBMITTABLE
from .selectors import unanswered_required_questions


class NoPublishedTemplate(Exception):
    pass


def latest_published_version() -> TemplateVersion:
    version = (
        TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise NoPublishedTemplate(
            "No question template is published yet. Ask a template admin to publish one."
        )
    return version


@transaction.atomic
def create_plan(*, title: str, organization: str, summary: str = "", user) -> Plan:
    """A new plan on the latest published template version, owned by `user`."""
    plan = Plan(
        title=title.strip(),
        slug=slugify(title)[:200] or "plan",
        organization=organization.strip(),
        summary=summary.strip(),
        template_version=latest_published_version(),
        created_by=user,
    )
    plan.full_clean()
    plan.save()
    PlanMembership.objects.create(plan=plan, user=user, role=PlanMembership.Role.OWNER)
    return plan


def display_name(user) -> str:
    return (user.get_full_name() or user.username) if user else "someone"


def _notify_on_commit(event: str, object_id: int) -> None:
    transaction.on_commit(lambda: tasks.send_plan_notification.delay(event, object_id))


# Members ------------------------------------------------------------------------------

ASSIGNABLE_ROLES = (
    PlanMembership.Role.EDITOR,
    PlanMembership.Role.VIEWER,
    PlanMembership.Role.REVIEWER,
)


@transaction.atomic
def add_member(*, plan: Plan, identifier: str, role: str, added_by) -> PlanMembership:
    """Give an existing user (found by username or e-mail) a role on the plan, or change
    the role they have. Raises ValidationError with a message for the form."""
    identifier = identifier.strip()
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError("Choose editor, viewer or committee reviewer.")
    users = get_user_model().objects.filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
    )
    matches = list(users[:2]) if identifier else []
    if not matches:
        raise ValidationError(
            f"No user has the username or e-mail “{identifier}”. They need an account first."
        )
    if len(matches) > 1:
        raise ValidationError(f"Several users have the e-mail “{identifier}”: use a username.")
    user = matches[0]
    membership = PlanMembership.objects.filter(plan=plan, user=user).first()
    if membership and membership.role == PlanMembership.Role.OWNER:
        raise ValidationError(f"{display_name(user)} owns this plan; the owner's role stays.")
    if membership:
        membership.role = role
        membership.save(update_fields=["role"])
        return membership
    membership = PlanMembership.objects.create(plan=plan, user=user, role=role, added_by=added_by)
    _notify_on_commit("member_added", membership.pk)
    return membership


def remove_member(*, plan: Plan, membership_id: int) -> None:
    membership = PlanMembership.objects.filter(plan=plan, pk=membership_id).first()
    if membership is None:
        raise ValidationError("That person is not a member of this plan.")
    if membership.role == PlanMembership.Role.OWNER:
        raise ValidationError("The owner cannot be removed from their plan.")
    membership.delete()


# Review workflow ----------------------------------------------------------------------


class IncompletePlan(Exception):
    """Required questions are unanswered and the owner has not confirmed submitting anyway."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__(f"{len(missing)} required questions are unanswered.")


@transaction.atomic
def submit_for_review(
    *, plan: Plan, user, note: str = "", confirm_incomplete: bool = False
) -> ReviewRound:
    """Send the plan to its committee reviewers, opening a new review round; its answers
    are locked until a reviewer decides."""
    if not plan.memberships.filter(role=PlanMembership.Role.REVIEWER).exists():
        raise ValidationError(
            "This plan has no committee reviewer yet: add one on the Members page first."
        )
    missing = unanswered_required_questions(plan)
    if missing and not confirm_incomplete:
        raise IncompletePlan(missing)
    now = timezone.now()
    submitted = Plan.objects.filter(pk=plan.pk, status__in=SUBMITTABLE).update(
        status=Plan.Status.IN_REVIEW, updated_at=now
    )
    if not submitted:
        plan.refresh_from_db(fields=["status"])
        raise ValidationError(
            f"This plan cannot be submitted now: it is {plan.get_status_display().lower()}."
        )
    last = plan.review_rounds.aggregate(last=Max("number"))["last"] or 0
    review_round = ReviewRound.objects.create(
        plan=plan, number=last + 1, submitted_by=user, submitted_at=now, note=note.strip()
    )
    plan.status = Plan.Status.IN_REVIEW
    _notify_on_commit("submitted", review_round.pk)
    return review_round


@transaction.atomic
def decide_review(*, plan: Plan, user, decision: str, reason: str = "") -> ReviewRound:
    """A reviewer's decision on the open round: request changes (with a reason, which
    unlocks the answers for the owner and editors) or approve."""
    reason = reason.strip()
    if decision not in ReviewRound.Decision.values:
        raise ValidationError("Choose “Request changes” or “Approve”.")
    if decision == ReviewRound.Decision.CHANGES_REQUESTED and not reason:
        raise ValidationError(
            "Say what needs to change: the reason is sent to the plan's owner and editors."
        )
    new_status = (
        Plan.Status.APPROVED
        if decision == ReviewRound.Decision.APPROVED
        else Plan.Status.CHANGES_REQUESTED
    )
    now = timezone.now()
    decided = Plan.objects.filter(pk=plan.pk, status=Plan.Status.IN_REVIEW).update(
        status=new_status, updated_at=now
    )
    if not decided:
        plan.refresh_from_db(fields=["status"])
        raise ValidationError(
            f"This plan is not in review any more: it is {plan.get_status_display().lower()}."
        )
    review_round = plan.review_rounds.select_for_update().filter(decision="").latest("number")
    review_round.decision = decision
    review_round.decided_by = user
    review_round.decided_at = now
    review_round.reason = reason
    review_round.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    plan.status = new_status
    _notify_on_commit(decision, review_round.pk)
    return review_round


# Comments -----------------------------------------------------------------------------

COMMENT_MAX_LENGTH = 5_000


@transaction.atomic
def add_comment(
    *, plan: Plan, user, body: str, phase, question=None, thread: Comment | None = None
) -> Comment:
    """A new thread on an answer (question given) or a phase, or a reply to a thread."""
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError("Write something before you post the comment.")
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(f"Keep comments under {COMMENT_MAX_LENGTH:,} characters.")
    if phase.version_id != plan.template_version_id:
        raise ValidationError("That phase is not part of this plan.")
    if question is not None and question.phase_id != phase.pk:
        raise ValidationError("That question is not part of this phase.")
    if thread is not None:
        if thread.plan_id != plan.pk or thread.thread_id is not None:
            raise ValidationError("You can only reply to a thread of this plan.")
        phase, question = thread.phase, thread.question
    comment = Comment(
        plan=plan, phase=phase, question=question, thread=thread, author=user, body=body
    )
    comment.save()
    if thread is not None and thread.is_resolved:
        Comment.objects.filter(pk=thread.pk).update(resolved_at=None, resolved_by=None)
    return comment


def set_thread_resolved(*, plan: Plan, thread_id: int, user, resolved: bool) -> Comment:
    thread = Comment.objects.filter(plan=plan, pk=thread_id, thread__isnull=True).first()
    if thread is None:
        raise ValidationError("No such comment thread on this plan.")
    thread.resolved_at = timezone.now() if resolved else None
    thread.resolved_by = user if resolved else None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


DEMO_PLAN_FILE = Path(__file__).resolve().parent / "demo" / "data_privacy_plan.yaml"
DEMO_USERS = (
    # username, first name, last name, group, role on the demo plan
    ("manager", "Maya", "Patel", roles.PROGRAM_MANAGERS, PlanMembership.Role.OWNER),
    ("editor", "Eli", "Okafor", roles.PROGRAM_MANAGERS, PlanMembership.Role.EDITOR),
    ("reviewer", "Rosa", "Lindqvist", roles.COMMITTEE_REVIEWERS, PlanMembership.Role.REVIEWER),
    ("templates", "Tomas", "Berg", roles.TEMPLATE_ADMINS, None),
)


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


@transaction.atomic
def load_demo_data() -> Plan:
    """The demo users (one per role, password `<username>-demo-2026`) and the demo plan,
    most of its questions answered. Safe to run again: existing users and plan are kept."""
    users = {}
    for username, first_name, last_name, group_name, _role in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": group_name == roles.TEMPLATE_ADMINS,
            },
        )
        if created:
            user.set_password(demo_password(username))
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        users[username] = user

    document = yaml.safe_load(DEMO_PLAN_FILE.read_text(encoding="utf-8"))
    owner = users["manager"]
    plan = Plan.objects.filter(title=document["plan"]["title"], created_by=owner).first()
    if plan is not None:
        return plan
    plan = create_plan(user=owner, **document["plan"])
    for username, *_rest, role in DEMO_USERS:
        if role and role != PlanMembership.Role.OWNER:
            PlanMembership.objects.create(plan=plan, user=users[username], role=role)
    questions = {q.key: q for q in plan.template_version.questions.all()}
    for key, value in document["answers"].items():
        save_answer(
            plan=plan, question=questions[key], raw_value=value, base_revision=0, user=owner
        )
    for comment in document.get("comments", []):
        question = questions[comment["question"]]
        add_comment(
            plan=plan,
            user=users[comment["author"]],
            body=comment["body"],
            phase=question.phase,
            question=question,
        )
    return plan
