"""A plan's own settings: title, organization, currency, discount rate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from microcred.organizations.selectors import planning_organizations

from ..forms import (
    PlanSettingsForm,
)
from ..permissions import plan_access_or_404
from ..services import update_plan_settings
from .outcomes import add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def plan_settings(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require_writer()
    plan = access.plan
    names = list(planning_organizations(request.user).values_list("name", flat=True))
    form = PlanSettingsForm(request.POST or None, instance=plan, organizations=names)
    if request.method == "POST" and form.is_valid():
        try:
            update_plan_settings(plan=plan, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect(plan)
    return render(
        request,
        "plans/plan_settings.html",
        {"plan": plan, "access": access, "form": form},
        status=400 if form.errors else 200,
    )
