"""A plan named in an API address, with the user's access to it, checked as the pages
check it (plans.permissions): a plan the user may not see is a 404 (the same as one that
does not exist), one they see but may not change a 403 with the page's reason.

DRF turns Django's Http404 and PermissionDenied into its own 404 and 403, in the API's
error shape (errors.py); every area's views use these two functions."""

from django.db.models import QuerySet
from rest_framework.request import Request

from microcred.plans.models import Plan
from microcred.plans.permissions import PlanAccess, plan_access_or_404


def plans_with_version() -> QuerySet[Plan]:
    return Plan.objects.select_related("template_version")


def readable_plan(request: Request, plan_id: int, *, queryset=None) -> PlanAccess:
    """The user's access to plan `plan_id` (with its organization and template version,
    and the viewer's roles annotated); 404 when they may not see it."""
    return plan_access_or_404(
        request.user, plan_id, queryset=plans_with_version() if queryset is None else queryset
    )


def writable_plan(request: Request, plan_id: int, *, queryset=None) -> PlanAccess:
    """As readable_plan, and 403 unless the user may change the plan's answers and tables
    (its owner or an editor, or a superuser): whatever its status, which the services
    check."""
    access = readable_plan(request, plan_id, queryset=queryset)
    access.require_writer()
    return access
