from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from microcred.plans.models import Plan
from microcred.plans.permissions import plan_access_or_404
from microcred.plans.readiness import PlanFacts

from .achievement import (
    MEDIA_TYPE,
    CredentialIncomplete,
    achievement_filename,
    achievement_json,
    component_achievement,
    plan_achievement,
    plan_components,
)


def _plan_or_404(request, plan_id) -> Plan:
    return plan_access_or_404(
        request.user, plan_id, queryset=Plan.objects.select_related("template_version")
    ).plan


def _attachment(achievement: dict, filename: str) -> HttpResponse:
    response = HttpResponse(achievement_json(achievement), content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def achievement_download(request, plan_id):
    """The credential the plan defines, as an Open Badges 3.0 Achievement; a page that
    says what to fill in when the plan lacks what OB 3.0 requires."""
    plan = _plan_or_404(request, plan_id)
    try:
        achievement = plan_achievement(plan=plan)
    except CredentialIncomplete as incomplete:
        return render(
            request,
            "design/achievement_incomplete.html",
            {"plan": plan, "problems": incomplete.problems},
            status=400,
        )
    return _attachment(achievement, achievement_filename(plan.title))


@login_required
@require_GET
def component_achievement_download(request, plan_id, component_id):
    plan = _plan_or_404(request, plan_id)
    facts = PlanFacts(plan)
    component = next((row for row in plan_components(facts=facts) if row.pk == component_id), None)
    if component is None:
        raise Http404("No such stack component in this plan.")
    achievement = component_achievement(plan=plan, component=component, facts=facts)
    return _attachment(achievement, achievement_filename(plan.title, component.title))
