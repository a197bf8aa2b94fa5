"""Signing in through identity providers: the login page's Content-Security-Policy widened
to their origins, and a failure on their pages answered with a page that says so."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import render

from .social_apps import sign_in_origins

logger = logging.getLogger(__name__)

# The pages whose forms lead to an identity provider: the login page's institution
# buttons, and allauth's "Continue to …" page shown when a sign-in address is opened.
SIGN_IN_PAGES = {"login", "openid_connect_login", "saml_login"}


class SignInFormActionMiddleware:
    """Lets the sign-in pages' forms end at the identity providers: the forms post here,
    and the redirect to the provider that answers is held to the page's form-action.
    Inside django-csp's middleware (after it in MIDDLEWARE), which reads `_csp_update`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match and match.url_name in SIGN_IN_PAGES and response.status_code == 200:
            origins = sign_in_origins()
            if origins:
                response._csp_update = {"form-action": origins}
        return response


# The identity providers' addresses on this site (allauth's views).
PROVIDER_PAGES = {
    "openid_connect_login",
    "openid_connect_callback",
    "saml_login",
    "saml_acs",
    "saml_finish_acs",
    "saml_sls",
    "saml_metadata",
}


class SignInFailureMiddleware:
    """What allauth lets escape from a provider's page (its discovery document or metadata
    cannot be fetched, an answer it cannot read) ends on the page that says the sign-in
    failed, not a server error. A database that is down still answers as everywhere else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if not match or match.url_name not in PROVIDER_PAGES:
            return None
        if isinstance(exception, DatabaseError | Http404 | PermissionDenied):
            return None
        logger.exception("Sign-in through %s failed", match.kwargs)
        return render(
            request,
            "socialaccount/authentication_error.html",
            {"unreachable": True},
            status=502,
        )
