"""A plan's webhooks page, for its owner: the endpoints, adding one (its secret shown
once), deleting, enabling again, a test event, and each one's delivery log."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from microcred.plans.permissions import PlanAccess, plan_access_or_404
from microcred.plans.views.outcomes import add_service_errors

from .forms import EndpointForm
from .models import WebhookEndpoint
from .selectors import LOG_LENGTH, delivery_log, endpoints_of
from .services import create_endpoint, delete_endpoint, enable_endpoint, send_test_event

ONLY_OWNER = "Only the plan's owner can manage its webhooks."
# The endpoint just made, whose secret the next page shows once.
NEW_ENDPOINT_SESSION_KEY = "webhooks_new_endpoint"


def _owner_access(request, plan_id: int) -> PlanAccess:
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.is_owner, ONLY_OWNER)
    return access


def _owner_endpoint(request, plan_id: int, endpoint_id: int) -> WebhookEndpoint:
    access = _owner_access(request, plan_id)
    endpoint = get_object_or_404(WebhookEndpoint, pk=endpoint_id, plan=access.plan)
    endpoint.plan = access.plan  # read already, with the viewer's roles
    return endpoint


def _say_outcome(request, service: Callable[..., object], *, endpoint, success: str) -> bool:
    """Run `service` on the endpoint and say how it went; False when it was refused."""
    try:
        service(endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


@login_required
@require_http_methods(["GET", "POST"])
def endpoints(request, plan_id: int):
    access = _owner_access(request, plan_id)
    plan = access.plan
    form = EndpointForm(request.POST or None)
    if form.is_valid():
        try:
            endpoint = create_endpoint(
                plan=plan,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[NEW_ENDPOINT_SESSION_KEY] = endpoint.pk
            return redirect("webhooks:endpoint_created", plan_id=plan.pk)
    context = {
        "plan": plan,
        "access": access,
        "endpoints": endpoints_of(plan),
        "form": form,
    }
    return render(request, "webhooks/endpoints.html", context, status=400 if form.errors else 200)


@login_required
def endpoint_created(request, plan_id: int):
    access = _owner_access(request, plan_id)
    endpoint_id = request.session.pop(NEW_ENDPOINT_SESSION_KEY, None)
    endpoint = endpoints_of(access.plan).filter(pk=endpoint_id).first() if endpoint_id else None
    if endpoint is None:
        return redirect("webhooks:endpoints", plan_id=access.plan.pk)
    return render(
        request, "webhooks/endpoint_created.html", {"plan": access.plan, "endpoint": endpoint}
    )


@login_required
def deliveries(request, plan_id: int, endpoint_id: int):
    endpoint = _owner_endpoint(request, plan_id, endpoint_id)
    context = {
        "plan": endpoint.plan,
        "endpoint": endpoint,
        "deliveries": delivery_log(endpoint),
        "log_length": LOG_LENGTH,
    }
    return render(request, "webhooks/deliveries.html", context)


@login_required
@require_POST
def endpoint_test(request, plan_id: int, endpoint_id: int):
    endpoint = _owner_endpoint(request, plan_id, endpoint_id)
    success = "A test event is on its way; its delivery shows in this log."
    if _say_outcome(request, send_test_event, endpoint=endpoint, success=success):
        return redirect("webhooks:deliveries", plan_id=plan_id, endpoint_id=endpoint.pk)
    return redirect("webhooks:endpoints", plan_id=plan_id)


@login_required
@require_POST
def endpoint_enable(request, plan_id: int, endpoint_id: int):
    endpoint = _owner_endpoint(request, plan_id, endpoint_id)
    success = f"{endpoint.url} is enabled again."
    _say_outcome(request, enable_endpoint, endpoint=endpoint, success=success)
    return redirect("webhooks:endpoints", plan_id=plan_id)


@login_required
@require_POST
def endpoint_delete(request, plan_id: int, endpoint_id: int):
    endpoint = _owner_endpoint(request, plan_id, endpoint_id)
    delete_endpoint(endpoint=endpoint)
    messages.success(request, f"The endpoint {endpoint.url} was deleted.")
    return redirect("webhooks:endpoints", plan_id=plan_id)
