"""Moving plans to a newer template version: one by its owner, several at once by a
template admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from microcred.questionnaires.differences import version_differences
from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.selectors import newer_published_version

from ..forms import MovePlansForm, MoveVersionForm
from ..models import Plan
from ..permissions import plan_access_or_404
from ..version_moves import (
    MoveRefused,
    may_move_plans_in_bulk,
    move_plan_to_version,
    move_plans_to_version,
    moved_message,
    plans_on_older_versions,
    plans_to_move,
    version_move,
)


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


@login_required
@require_http_methods(["GET", "POST"])
def move_plans(request, version_id):
    """For template admins: the plans on older versions, each with its move preview, to
    move several to this published version at once; then what moved and what did not."""
    if not may_move_plans_in_bulk(request.user):
        raise PermissionDenied("Only template admins move plans to a new version.")
    version = get_object_or_404(TemplateVersion, pk=version_id)
    if version.status != TemplateVersion.Status.PUBLISHED:
        messages.error(
            request,
            f"Version {version.number} is not published: plans move only to the published version.",
        )
        return redirect("admin:questionnaires_templateversion_change", version.pk)
    plans = plans_on_older_versions(version=version)
    form = MovePlansForm(request.POST or None, plan_ids=[plan.pk for plan in plans])
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["plans"])
        outcomes = move_plans_to_version(
            plans=[plan for plan in plans if plan.pk in chosen],
            version=version,
            confirmed_ids=set(form.cleaned_data["confirmed"]),
            user=request.user,
        )
        return render(
            request,
            "plans/move_plans_done.html",
            {
                "version": version,
                "moved": [outcome for outcome in outcomes if outcome.moved],
                "not_moved": [outcome for outcome in outcomes if not outcome.moved],
                "total": len(outcomes),
            },
        )
    return render(
        request,
        "plans/move_plans.html",
        {
            "version": version,
            "groups": plans_to_move(version=version, plans=plans),
            "form": form,
            "chosen": form["plans"].value() or [],
            "confirmed": form["confirmed"].value() or [],
        },
    )
