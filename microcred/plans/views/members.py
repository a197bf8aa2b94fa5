"""The Members page: the plan's people, invitations and activity."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from microcred.organizations.selectors import committee_members
from microcred.plans.selectors import plan_activity

from ..forms import (
    MemberForm,
)
from ..members import (
    invitation_sent_message,
    invite_member,
    pending_invitations,
    remove_member,
    withdraw_invitation,
)
from ..models import PlanMembership
from ..permissions import plan_access_or_404
from .outcomes import say_outcome

# The Members page lists this many of the newest activity entries; "Show all" the rest.
ACTIVITY_SHOWN = 20


@login_required
@require_http_methods(["GET", "POST"])
def plan_members(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    plan = access.plan
    committee = (
        [
            (user.email, user.get_full_name() or user.username)
            for user in committee_members(plan.organization_id)
            if user.email
        ]
        if access.can_manage_members
        else []
    )
    form = MemberForm(request.POST or None, committee=committee)
    if request.method == "POST":
        access.require(access.can_manage_members, "Only the plan's owner can add members.")
        if form.is_valid():
            try:
                invitation = invite_member(
                    plan=plan,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, invitation_sent_message(invitation))
                return redirect("plans:members", plan_id=plan.pk)
    memberships = sorted(
        plan.memberships.select_related("user", "added_by").order_by("added_at"),
        key=lambda m: list(PlanMembership.Role.values).index(m.role),  # owner first
    )
    show_all_activity = request.GET.get("activity") == "all"
    activities, more_activity = plan_activity(
        plan,
        limit=None if show_all_activity else ACTIVITY_SHOWN,
        include_invitations=access.can_manage_members,
    )
    return render(
        request,
        "plans/plan_members.html",
        {
            "plan": plan,
            "access": access,
            "memberships": memberships,
            "invitations": pending_invitations(plan) if access.can_manage_members else [],
            "form": form,
            "activities": activities,
            "more_activity": more_activity,
        },
    )


@login_required
@require_POST
def plan_member_remove(request, plan_id, membership_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.can_manage_members, "Only the plan's owner can remove members.")
    say_outcome(
        request,
        partial(
            remove_member, plan=access.plan, membership_id=membership_id, removed_by=request.user
        ),
        lambda removed: "Removed from the plan.",
    )
    return redirect("plans:members", plan_id=plan_id)


@login_required
@require_POST
def plan_invitation_withdraw(request, plan_id, invitation_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.can_manage_members, "Only the plan's owner can withdraw invitations.")
    say_outcome(
        request,
        partial(
            withdraw_invitation,
            plan=access.plan,
            invitation_id=invitation_id,
            withdrawn_by=request.user,
        ),
        lambda invitation: f"Invitation to {invitation.email} withdrawn: its link no longer works.",
    )
    return redirect("plans:members", plan_id=plan_id)
