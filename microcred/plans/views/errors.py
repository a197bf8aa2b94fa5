"""The answer to a request that failed: a clean 503 with its reason while the database
cannot be reached (a restart, a failover), so that clients retry; Django's 500 otherwise."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
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
