"""Moving a plan to a newer template version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from microcred.questionnaires.differences import version_differences
from microcred.questionnaires.selectors import newer_published_version

from ..forms import (
    MoveVersionForm,
)
from ..models import Plan
from ..permissions import plan_access_or_404
from ..version_moves import MoveRefused, VersionMove, move_plan_to_version, version_move


@login_required
@require_http_methods(["GET", "POST"])
def move_version(request, plan_id):
    """What moving the plan to the newer published version changes, and the button that
    moves it. For the plan's owner."""
    access = plan_access_or_404(
        request.user, plan_id, queryset=Plan.objects.select_related("template_version")
    )
    if not access.is_owner:
        raise PermissionDenied("Only the plan’s owner can move it to a newer template version.")
    plan = access.plan
    if plan.answers_lock_reason:
        messages.error(request, plan.answers_lock_reason)
        return redirect(plan)
    target = newer_published_version(plan.template_version)
    if target is None:
        messages.info(
            request,
            f"This plan is on the latest template version ({plan.template_version.number}).",
        )
        return redirect(plan)
    form = MoveVersionForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            move = move_plan_to_version(plan=plan, version=target, user=request.user)
        except MoveRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, moved_message(move))
        return redirect(plan)
    return render(
        request,
        "plans/move_plan.html",
        {
            "plan": plan,
            "move": version_move(plan=plan, target=target),
            "differences": version_differences(old=plan.template_version, new=target),
            "form": form,
        },
    )


def moved_message(move: VersionMove) -> str:
    carried = len(move.carried_answers)
    archived = len(move.archived)
    message = (
        f"Moved to template version {move.target.number}: "
        f"{carried} answer{pluralize(carried)} carried over"
    )
    if archived:
        message += f", {archived} kept under “Archived answers”"
    return message + "."
