"""Archiving a plan and restoring it."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from microcred.plans.selectors import plans_with_version

from ..archive import archive_plan, restore_plan
from ..permissions import plan_access_or_404
from .outcomes import say_outcome


@login_required
@require_http_methods(["GET", "POST"])
def plan_archive(request, plan_id):
    """The page where the owner confirms archiving the plan, after reading what it means."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    plan = access.plan
    access.require(access.can_archive, access.archive_refusal)
    if request.method == "POST":
        say_outcome(
            request,
            partial(archive_plan, plan=plan, user=request.user),
            lambda archived: (
                f"“{archived.title}” is archived: it is listed under Archived "
                "plans, and you can restore it from its page."
            ),
        )
        return redirect(plan)
    return render(request, "plans/plan_archive.html", {"plan": plan})


@login_required
@require_POST
def plan_restore(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.can_restore, access.restore_refusal)
    say_outcome(
        request,
        partial(restore_plan, plan=access.plan, user=request.user),
        lambda plan: (
            f"Restored: the plan is back in My plans, {plan.get_status_display().lower()}."
        ),
    )
    return redirect(access.plan)
