"""The answer to a request that failed: a refusal (403) that says why and leads back; a
clean 503 with its reason while the database cannot be reached (a restart, a failover), so
that clients retry; Django's 500 otherwise."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

DATABASE_UNREACHABLE = "The database cannot be reached just now."
# Seconds a client is asked to wait: about as long as a database restart takes.
RETRY_AFTER_SECONDS = 10


def server_error(request):
    """handler500: called while Django handles the request's exception."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    # No RequestContext: its context processors would query the database again.
    content = loader.get_template("503.html").render({"reason": DATABASE_UNREACHABLE})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


REFUSED_WITHOUT_REASON = (
    "You do not have permission to do this. If you think you should, ask whoever gave you access."
)


def way_back(request: HttpRequest) -> tuple[str, str]:
    """Where a refused request leads back to, and the link's words: the plan it was about,
    else the page of this site the user came from, else their plans."""
    plan_id = request.resolver_match.kwargs.get("plan_id") if request.resolver_match else None
    if plan_id is not None:
        return reverse("plans:dashboard", kwargs={"plan_id": plan_id}), "Back to the plan"
    referer = request.headers.get("referer", "")
    if (
        referer
        and referer != request.build_absolute_uri()
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return referer, "Back to the page you came from"
    return reverse("plans:list"), "Back to my plans"


def permission_denied(request, exception):
    """handler403: why the request was refused (the PermissionDenied's words), and a way back."""
    back_url, back_label = way_back(request)
    reason = str(exception) if exception and exception.args else REFUSED_WITHOUT_REASON
    return render(
        request,
        "403.html",
        {"reason": reason, "back_url": back_url, "back_label": back_label},
        status=403,
    )
