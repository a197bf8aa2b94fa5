from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from microcred.questionnaires.kinds import CURRENCIES

# The e-mails people get about comments have a module of their own; imported here, where
# Django finds the app's models and the rest of the project reads them.
from .comment_email_models import CommentDigest as CommentDigest
from .comment_email_models import CommentNotice as CommentNotice
from .comment_email_models import NotificationPreference as NotificationPreference


def default_currency() -> str:
    """A new plan's currency: the DEFAULT_CURRENCY setting (read when the plan is made)."""
    return settings.DEFAULT_CURRENCY


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="plans"
    )
    summary = models.TextField(blank=True)
    currency = models.CharField(
        "currency",
        max_length=3,
        choices=CURRENCIES,
        default=default_currency,
        help_text="Every amount in this plan's tables (prices, costs, budgets, funding) is "
        "in this currency.",
    )
    discount_rate = models.DecimalField(
        "discount rate (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[
            MinValueValidator(Decimal(0), "The discount rate cannot be below 0%%."),
            MaxValueValidator(Decimal(100), "The discount rate cannot be above 100%%."),
        ],
        help_text="A yearly percentage, such as 8 for 8%: the net present value of the "
        "program's five years is worked out at this rate.",
    )
    template_version = models.ForeignKey(
        "questionnaires.TemplateVersion", on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The status an archived plan had, to which restoring it returns ("" unless archived).
    status_before_archive = models.CharField(max_length=20, choices=Status.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When what its pages show besides its content last changed (comments, the calendar link):
    # with updated_at, what tells whether a cached page of the plan is current (page_cache.py).
    pages_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Where the plan came from, for the lists of plans: the plan it is a copy of, or the
    # name of the plan file it was imported from (both empty for a plan made from scratch).
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_from_file = models.CharField(max_length=255, blank=True, editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="PlanMembership",
        through_fields=("plan", "user"),
        related_name="plans",
    )

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:dashboard", kwargs={"plan_id": self.pk})

    @property
    def answers_lock_reason(self) -> str:
        """Why the answers cannot be changed now ("" when they can)."""
        return {
            self.Status.IN_REVIEW.value: "This plan is in review: its answers are locked until a "
            "reviewer requests changes or approves it.",
            self.Status.APPROVED.value: "This plan is approved: its answers are locked.",
            self.Status.ARCHIVED.value: "This plan is archived: its answers are locked.",
        }.get(self.status, "")


class Answer(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        "questionnaires.Question", on_delete=models.PROTECT, related_name="answers"
    )
    # In the canonical shape of its question's kind (questionnaires/kinds.py); NULL: unanswered.
    value = models.JSONField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "question"], name="one_answer_per_question"),
        ]

    def __str__(self):
        return f"Answer to {self.question.key} in plan {self.plan_id}"

    @property
    def is_answered(self):
        return self.value is not None


class PlanMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"
        REVIEWER = "reviewer", "Committee reviewer"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="one_membership_per_user"),
        ]

    def __str__(self):
        return f"{self.user} is {self.get_role_display()} of {self.plan}"


# The roles that write the plan and hear of its comments and decisions: the one list of them.
WRITING_ROLES = (PlanMembership.Role.OWNER, PlanMembership.Role.EDITOR)


class ReviewRound(models.Model):
    """One submission of a plan for review, and the committee's decision on it."""

    class Decision(models.TextChoices):
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_rounds")
    number = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    note = models.TextField(blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Set on an approved round when its owner reopens the plan for revision: the approval
    # stays on record, and the next submission opens a new round.
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_round_number_per_plan"),
        ]

    def __str__(self):
        return f"Round {self.number} of {self.plan}"

    @property
    def is_open(self) -> bool:
        return not self.decision


class Comment(models.Model):
    """A comment on one answer (question set) or on a whole phase; replies point to the
    thread's first comment, and a thread is resolved as a whole."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    phase = models.ForeignKey(
        "questionnaires.Phase", on_delete=models.PROTECT, related_name="comments"
    )
    question = models.ForeignKey(
        "questionnaires.Question",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "resolved_at"])]

    def __str__(self):
        return f"Comment by {self.author} on {self.plan}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class Invitation(models.Model):
    """An e-mailed invitation to join a plan in a role, sent to any address the owner
    enters (whether it has an account is never shown). Its link carries only its signed
    id: its dates decide whether it still works, so that a withdrawal takes effect."""

    TOKEN_SALT = "microcred.plans.invitation"  # noqa: S105 (a namespace, not a secret)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=PlanMembership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["plan", "accepted_at", "withdrawn_at"])]

    def __str__(self):
        return f"Invitation of {self.email} to {self.plan}"

    def get_absolute_url(self):
        token = signing.dumps(self.pk, salt=self.TOKEN_SALT)
        return reverse("plans:invitation", kwargs={"token": token})

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.PLAN_INVITATION_DAYS)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_pending(self) -> bool:
        return not (self.accepted_at or self.withdrawn_at or self.is_expired)


class PendingNotification(models.Model):
    """An e-mail a plan event calls for, recorded in the event's transaction and handed to
    Celery on commit: a broker or mail server that is down only delays it (outbox.py resends)."""

    event = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last handed to the broker; empty while the broker refused it.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a worker last began sending it: one handed over and not begun since is
    # presumed lost by the broker (a restart without persistence) and handed over again.
    attempted_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["dispatched_at"],
                condition=models.Q(sent_at__isnull=True),
                name="unsent_notifications",
            )
        ]

    def __str__(self):
        return f"{self.event} notification for object {self.object_id}"


class PlanActivity(models.Model):
    """One thing that happened to a plan, in words a person reads on its Members page:
    written by the service that makes the change, in the same transaction."""

    class Verb(models.TextChoices):
        INVITED = "invited", "Invited a member"
        JOINED = "joined", "Joined"
        ROLE_CHANGED = "role_changed", "Role changed"
        REMOVED = "removed", "Removed a member"
        INVITATION_WITHDRAWN = "invitation_withdrawn", "Withdrew an invitation"
        SUBMITTED = "submitted", "Submitted for review"
        CHANGES_REQUESTED = "changes_requested", "Requested changes"
        APPROVED = "approved", "Approved"
        REOPENED = "reopened", "Reopened for revision"
        VERSION_MOVED = "version_moved", "Moved to a template version"
        ARCHIVED = "archived", "Archived"
        RESTORED = "restored", "Restored"
        RESULTS_UPLOADED = "results_uploaded", "Uploaded assessment results"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    verb = models.CharField(max_length=30, choices=Verb.choices)
    # Written out when it happens: names and roles as they were then.
    summary = models.CharField(max_length=500)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["plan", "-created_at"], name="plan_activity_newest")]
        verbose_name_plural = "plan activities"

    def __str__(self):
        return self.summary
