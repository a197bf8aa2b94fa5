"""The sign-in pages that differ from Django's own, and the answer to a refused login."""

from axes.helpers import get_client_username
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from .addresses import client_address
from .forms import PasswordResetForm
from .throttles import reset_email_allowed


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def form_valid(self, form):
        if reset_email_allowed(
            address=client_address(self.request), email=form.cleaned_data["email"]
        ):
            return super().form_valid(form)
        # The same answer as when the e-mail goes, or when no account has the address.
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also lifts a login lockout: the
    mailbox's owner has shown who they are, so they need not wait out the cool-off."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer to a refused login (AXES_LOCKOUT_CALLABLE): the pause of the
    address (backends.AddressPauseBackend), or the lockout of the username from it."""
    cool_off_minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if getattr(request, "login_address_paused", False):
        template = "registration/login_paused.html"
        failure_limit = settings.LOGIN_FAILURES_PER_ADDRESS
    else:
        template = "registration/lockout.html"
        failure_limit = settings.AXES_FAILURE_LIMIT
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": failure_limit,
        "cool_off_minutes": cool_off_minutes,
    }
    return render(request, template, context, status=429)
