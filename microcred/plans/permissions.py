"""Who may do what with a plan: the one place every view asks."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Plan, PlanMembership

EDITING_ROLES = {PlanMembership.Role.OWNER, PlanMembership.Role.EDITOR}
SUBMITTABLE = {Plan.Status.DRAFT, Plan.Status.CHANGES_REQUESTED}


def plans_visible_to(user):
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(memberships__user=user)


@dataclass(frozen=True)
class PlanAccess:
    """A user's standing on one plan: what they may do with it, given their role and
    the plan's status. Views ask this; services enforce the plan's state themselves."""

    plan: Plan
    role: str | None  # None for a superuser who is not a member
    is_superuser: bool

    @property
    def is_owner(self) -> bool:
        return self.is_superuser or self.role == PlanMembership.Role.OWNER

    @property
    def is_writer(self) -> bool:
        """Owner or editor: may change answers while the plan is not locked."""
        return self.is_superuser or self.role in EDITING_ROLES

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
    def can_submit(self) -> bool:
        return self.is_owner and self.plan.status in SUBMITTABLE

    @property
    def can_decide(self) -> bool:
        return (self.is_reviewer or self.is_superuser) and (
            self.plan.status == Plan.Status.IN_REVIEW
        )

    def require_writer(self):
        if not self.is_writer:
            raise PermissionDenied("You can read this plan but not change its answers.")

    def require(self, allowed: bool, message: str):
        if not allowed:
            raise PermissionDenied(message)


def plan_access_or_404(user, plan_id, *, queryset=None) -> PlanAccess:
    """The user's access to the plan; 404 when they may not see it, so that a plan's
    existence is not revealed to those outside it."""
    queryset = Plan.objects.all() if queryset is None else queryset
    plan = queryset.filter(pk=plan_id).first() if user.is_authenticated else None
    if plan is None:
        raise Http404("No such plan.")
    membership = PlanMembership.objects.filter(plan=plan, user=user).only("role").first()
    if membership is None and not user.is_superuser:
        raise Http404("No such plan.")
    return PlanAccess(
        plan=plan, role=membership.role if membership else None, is_superuser=user.is_superuser
    )
