"""Who may do what with a plan: the one place every view asks."""

from dataclasses import dataclass, replace
from enum import Enum
from typing import Final

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from microcred.organizations.models import OVERSEEING_ROLES, OrganizationMembership

from .models import WRITING_ROLES, Plan, PlanMembership
from .reviewers import ReviewerFacts, reviewer_facts, reviewers_frozen

SUBMITTABLE = {Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED}
# Not in review: the reviewers are deciding on it.
ARCHIVABLE = {Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED, Plan.Status.APPROVED}

NOT_A_DECIDING_REVIEWER = (
    "Only a committee reviewer of this plan can decide on it, while it is in review."
)
NOT_IN_COMMITTEE_TO_DECIDE = (
    "Only members of the committee of the plan's organization can decide on it; ask one of "
    "its organization admins to add you to the committee."
)
AUTHOR_CANNOT_DECIDE = "You have written in this plan, so you cannot review it."
REVIEWERS_FROZEN_IN_REVIEW = (
    "Reviewers cannot be added, removed or given another role while the plan is in review; "
    "wait for their decision."
)
NO_ELIGIBLE_REVIEWER = (
    "None of this plan's reviewers can decide on it: a reviewer must be on the committee of "
    "the plan's organization and must not have written in it. Change the reviewers on "
    "the Members page first."
)
ONLY_OWNER_REOPENS = "Only the plan's owner can reopen it for revision."
ONLY_OWNER_ARCHIVES = "Only the plan's owner can archive or restore it."
CANNOT_RESOLVE_THREAD = (
    "Only the thread's author, the plan's owner and editors, and its committee reviewers "
    "can resolve or reopen a thread."
)


ONLY_OWNER_SUBMITS = "Only the owner can submit this plan."
# What each role may do, in one sentence: the dashboard tells the viewer theirs.
ROLE_ALLOWS: dict[str, str] = {
    PlanMembership.Role.OWNER: "As its owner you can change the answers, invite and remove "
    "members, submit the plan for review, reopen it once approved, and archive it.",
    PlanMembership.Role.EDITOR: "As an editor you can change the answers and tables and "
    "reply to comments; only the owner can submit the plan for review or manage its members.",
    PlanMembership.Role.VIEWER: "As a viewer you can read the plan, comment on it and export "
    "it, but not change its answers.",
    PlanMembership.Role.REVIEWER: "As a committee reviewer you can read the plan and comment "
    "on it and, while it is in review, approve it or request changes.",
}
SUPERUSER_ALLOWS = (
    "You are not a member of this plan: as an administrator you can do what its owner can."
)
# Those who oversee the plan's organization, and are not members of the plan.
ORGANIZATION_ROLE_ALLOWS: dict[str, str] = {
    OrganizationMembership.Role.ADMIN: "You are not a member of this plan: as an admin of its "
    "organization you can read it, comment on it and export it, but not change its answers.",
    OrganizationMembership.Role.COMMITTEE_MEMBER: "You are not a member of this plan: as a "
    "member of its organization's committee you can read it, comment on it and export it; "
    "its owner invites the committee members who review it.",
}
# A plan's status as the end of "this plan is …".
STATUS_PHRASES: dict[str, str] = {
    Plan.Status.DRAFT: "still a draft",
    Plan.Status.IN_REVIEW: "in review",
    Plan.Status.CHANGES_REQUESTED: "waiting for the changes its reviewers requested",
    Plan.Status.APPROVED: "approved",
    Plan.Status.ARCHIVED: "archived",
}

# Why the owner may not submit, or archive, a plan in these statuses.
SUBMIT_REFUSED_WHEN: dict[str, str] = {
    Plan.Status.IN_REVIEW: "This plan is in review already: its reviewers approve it or "
    "request changes first.",
    Plan.Status.APPROVED: "This plan is approved: reopen it for revision first, then submit "
    "it again.",
    Plan.Status.ARCHIVED: "This plan is archived: restore it first.",
}
ARCHIVE_REFUSED_WHEN: dict[str, str] = {
    Plan.Status.IN_REVIEW: "A plan in review cannot be archived: wait for its reviewers' decision.",
    Plan.Status.ARCHIVED: "This plan is archived already.",
}


def status_phrase(plan: Plan) -> str:
    """The plan's status in words that follow "it is": "still a draft", "in review"."""
    return STATUS_PHRASES.get(plan.status, plan.get_status_display().lower())


def plans_visible_to(user: User | AnonymousUser) -> QuerySet[Plan]:
    """The plans of which the user is a member, and every plan of the organizations they
    oversee (as admin or committee member); every plan for a superuser."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(
        Q(Exists(PlanMembership.objects.filter(plan=OuterRef("pk"), user=user)))
        | Q(Exists(_overseeing(user=user, organization=OuterRef("organization_id"))))
    )


def _overseeing(*, user, organization) -> QuerySet[OrganizationMembership]:
    return OrganizationMembership.objects.filter(
        organization=organization, user=user, role__in=OVERSEEING_ROLES
    )


def organization_role_subquery(user) -> Subquery:
    """The user's overseeing role in the plan's organization, for a plan query's
    annotation: admin before committee member; None when neither."""
    admin_first = Case(When(role=OrganizationMembership.Role.ADMIN, then=Value(0)), default=1)
    return Subquery(
        _overseeing(user=user, organization=OuterRef("organization_id"))
        .order_by(admin_first)
        .values("role")[:1]
    )


@dataclass(frozen=True)
class PlanAccess:
    """A user's standing on one plan: what they may do with it, given their role and
    the plan's status. Views ask this; services enforce the plan's state themselves."""

    plan: Plan
    role: str | None  # None for a superuser who is not a member
    is_superuser: bool
    user_id: int | None = None
    # For one who is not a member: their overseeing role in the plan's organization, which
    # lets them read the plan as a viewer does.
    organization_role: str | None = None
    # Only looked up for those who might decide (see plan_access); False otherwise.
    facts: ReviewerFacts = ReviewerFacts(is_committee_member=False, has_written_in_plan=False)

    @property
    def is_owner(self) -> bool:
        return self.is_superuser or self.role == PlanMembership.Role.OWNER

    @property
    def is_writer(self) -> bool:
        """Owner or editor: may change answers while the plan is not locked."""
        return self.is_superuser or self.role in WRITING_ROLES

    @property
    def is_reviewer(self) -> bool:
        return self.role == PlanMembership.Role.REVIEWER

    @property
    def can_edit_answers(self) -> bool:
        return self.is_writer and not self.plan.answers_lock_reason

    @property
    def can_manage_members(self) -> bool:
        return self.is_owner

    @property
    def can_change_reviewers(self) -> bool:
        return self.can_manage_members and not reviewers_frozen(self.plan)

    @property
    def can_submit(self) -> bool:
        return self.is_owner and self.plan.status in SUBMITTABLE

    @property
    def can_reopen(self) -> bool:
        """The owner may take an approved plan back to draft for a new review round."""
        return self.is_owner and self.plan.status == Plan.Status.APPROVED

    @property
    def can_archive(self) -> bool:
        """The owner may archive a finished or abandoned plan, and restore it."""
        return self.is_owner and self.plan.status in ARCHIVABLE

    @property
    def can_restore(self) -> bool:
        return self.is_owner and self.plan.status == Plan.Status.ARCHIVED

    @property
    def role_label(self) -> str:
        """The viewer's role in words ("Editor"), "" for a superuser who is not a member."""
        if self.role:
            return PlanMembership.Role(self.role).label
        if self.organization_role and not self.is_superuser:
            return OrganizationMembership.Role(self.organization_role).label
        return ""

    @property
    def role_allows(self) -> str:
        """What the viewer's role lets them do on the plan, in a sentence."""
        if self.role is None:
            if self.organization_role and not self.is_superuser:
                return ORGANIZATION_ROLE_ALLOWS[self.organization_role]
            return SUPERUSER_ALLOWS
        return ROLE_ALLOWS.get(self.role, "")

    @property
    def submit_refusal(self) -> str:
        """Why the user may not submit the plan now ("" when they may)."""
        if not self.is_owner:
            return ONLY_OWNER_SUBMITS
        return SUBMIT_REFUSED_WHEN.get(self.plan.status, "")

    @property
    def reopen_refusal(self) -> str:
        """Why the user may not reopen the plan for revision ("" when they may)."""
        if not self.is_owner:
            return ONLY_OWNER_REOPENS
        if self.plan.status != Plan.Status.APPROVED:
            return (
                "Only an approved plan can be reopened for revision; this one is "
                f"{status_phrase(self.plan)}."
            )
        return ""

    @property
    def archive_refusal(self) -> str:
        """Why the user may not archive the plan ("" when they may)."""
        if not self.is_owner:
            return ONLY_OWNER_ARCHIVES
        return ARCHIVE_REFUSED_WHEN.get(self.plan.status, "")

    @property
    def restore_refusal(self) -> str:
        """Why the user may not restore the plan from the archive ("" when they may)."""
        if not self.is_owner:
            return ONLY_OWNER_ARCHIVES
        if self.plan.status != Plan.Status.ARCHIVED:
            return f"Only an archived plan can be restored; this one is {status_phrase(self.plan)}."
        return ""

    @property
    def reviewer_refusal(self) -> str:
        """Why this user may not decide on the plan whatever its status ("" when they
        may): a reviewer of it in the committee (or a superuser) who wrote nothing in it."""
        if not (self.is_reviewer or self.is_superuser):
            return NOT_A_DECIDING_REVIEWER
        # Superusers administer the groups: requiring the group of them would only
        # make them add themselves to it.
        if not (self.facts.is_committee_member or self.is_superuser):
            return NOT_IN_COMMITTEE_TO_DECIDE
        if self.facts.has_written_in_plan:
            return AUTHOR_CANNOT_DECIDE
        return ""

    @property
    def decide_refusal(self) -> str:
        if self.plan.status != Plan.Status.IN_REVIEW:
            return NOT_A_DECIDING_REVIEWER
        return self.reviewer_refusal

    @property
    def can_decide(self) -> bool:
        return not self.decide_refusal

    @property
    def can_resolve_any_thread(self) -> bool:
        """Writers answer the comments and reviewers make them; viewers only follow."""
        return self.is_writer or self.is_reviewer

    def can_resolve_thread(self, thread) -> bool:
        return self.can_resolve_any_thread or (
            self.user_id is not None and thread.author_id == self.user_id
        )

    def require_writer(self):
        if not self.is_writer:
            raise PermissionDenied("You can read this plan but not change its answers.")

    def require(self, allowed: bool, message: str):
        if not allowed:
            raise PermissionDenied(message)


class NotLookedUp(Enum):
    """A keyword argument's default where None is a value: the caller has not looked it up."""

    NOT_LOOKED_UP = "not looked up"


# plan_access's `role` when the caller has not looked it up.
LOOK_UP: Final = NotLookedUp.NOT_LOOKED_UP


def plan_access(
    *,
    user,
    plan: Plan,
    deciding: bool = False,
    role: str | None | NotLookedUp = LOOK_UP,
    organization_role: str | None | NotLookedUp = LOOK_UP,
) -> PlanAccess | None:
    """The user's access to the plan, or None when they are neither a member, nor an
    overseer of its organization, nor a superuser; `role` is their membership's role (None:
    no membership) and `organization_role` their overseeing role in the plan's organization
    when the caller already has them. The reviewer facts cost a query, so they are looked
    up only for those who could decide on a plan in review, or when `deciding`."""
    if role is LOOK_UP:
        role = (
            PlanMembership.objects.filter(plan=plan, user=user)
            .values_list("role", flat=True)
            .first()
        )
    if role is None and not user.is_superuser:
        if organization_role is LOOK_UP:
            organization_role = (
                Plan.objects.filter(pk=plan.pk)
                .values_list(organization_role_subquery(user), flat=True)
                .first()
            )
        if organization_role is None:
            return None
    if isinstance(organization_role, NotLookedUp):
        organization_role = None
    access = PlanAccess(
        plan=plan,
        role=role,
        is_superuser=user.is_superuser,
        user_id=user.pk,
        organization_role=organization_role,
    )
    might_decide = deciding or plan.status == Plan.Status.IN_REVIEW
    if might_decide and (access.is_reviewer or user.is_superuser):
        access = replace(access, facts=reviewer_facts(user=user, plan=plan))
    return access


def plan_access_or_404(user, plan_id, *, queryset=None) -> PlanAccess:
    """The user's access to the plan; 404 when they may not see it, so that a plan's
    existence is not revealed to those outside it."""
    queryset = Plan.objects.all() if queryset is None else queryset
    plan = None
    if user.is_authenticated:
        # The viewer's roles come with the plan and its organization, in the same query.
        role = PlanMembership.objects.filter(plan=OuterRef("pk"), user=user).values("role")[:1]
        plan = (
            queryset.filter(pk=plan_id)
            .select_related("organization")
            .annotate(
                viewer_role=Subquery(role),
                viewer_organization_role=organization_role_subquery(user),
            )
            .first()
        )
    access = (
        plan_access(
            user=user,
            plan=plan,
            role=plan.viewer_role,
            organization_role=plan.viewer_organization_role,
        )
        if plan
        else None
    )
    if access is None:
        raise Http404("No such plan.")
    return access
