"""Who may do what with a plan: the one place every view asks."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Plan, PlanMembership

EDITING_ROLES = {PlanMembership.Role.OWNER, PlanMembership.Role.EDITOR}


def plans_visible_to(user):
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(memberships__user=user)


@dataclass(frozen=True)
class PlanAccess:
    """A user's standing on one plan."""

    plan: Plan
    role: str | None  # None for a superuser who is not a member
    is_superuser: bool

    @property
    def is_owner(self) -> bool:
        return self.is_superuser or self.role == PlanMembership.Role.OWNER

    @property
    def can_edit_answers(self) -> bool:
        return self.is_superuser or self.role in EDITING_ROLES

    def require_edit(self):
        if not self.can_edit_answers:
            raise PermissionDenied("You can read this plan but not change its answers.")


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
