"""Where an invitation's link leads."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..forms import (
    InvitationSignupForm,
)
from ..members import (
    accept_invitation,
    accept_invitation_with_new_account,
    invitation_from_token,
    invitation_refusal,
)
from ..models import PlanMembership
from ..services import display_name


@require_http_methods(["GET", "POST"])
def invitation_page(request, token):
    """Where an invitation's link leads: a logged-in user joins with their account; anyone
    else logs in to come back and join, or creates an account (not for a reviewer, who
    needs a committee account). A link that no longer works says why, with no error page."""
    try:
        invitation = invitation_from_token(token)
    except ValidationError as error:
        return _invitation_closed(request, " ".join(error.messages), status=404)
    plan = invitation.plan
    if invitation.accepted_at and plan.memberships.filter(user=request.user.pk).exists():
        return redirect(plan)
    refusal = invitation_refusal(invitation)
    if refusal:
        return _invitation_closed(request, refusal, status=410)
    role = invitation.get_role_display().lower()
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                accept_invitation(invitation=invitation, user=request.user)
            except ValidationError as error:
                return _invitation_closed(request, " ".join(error.messages), status=409)
            messages.success(request, f"You joined “{plan.title}” as {role}.")
            return redirect(plan)
    elif invitation.role != PlanMembership.Role.REVIEWER:
        form = InvitationSignupForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                user = accept_invitation_with_new_account(
                    invitation=invitation,
                    username=form.cleaned_data["username"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                # No authenticate(): the new password was just set, and the link proves
                # the address; so the backend is named.
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, f"Welcome, {display_name(user)}. You joined “{plan.title}” as {role}."
                )
                return redirect(plan)
    return render(
        request,
        "plans/invitation.html",
        {"invitation": invitation, "plan": plan, "role": role, "form": form},
    )


def _invitation_closed(request, message, *, status):
    return render(request, "plans/invitation_closed.html", {"message": message}, status=status)
