"""The "API tokens" page: each signed-in user's own personal access tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .selectors import tokens_of
from .services import create_token, revoke_token

# The secret of a token just made waits here for the page that shows it once.
NEW_TOKEN_SESSION_KEY = "api_new_token"  # noqa: S105 (a session key's name)


@login_required
def tokens(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        new = create_token(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=form.expires_at,
        )
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": new.token.pk, "secret": new.secret}
        return redirect("api:token_created")
    context = {"form": form, "tokens": tokens_of(request.user)}
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


@login_required
def token_created(request):
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    if new is None:
        return redirect("api:tokens")
    token = tokens_of(request.user).filter(pk=new["id"]).first()
    if token is None:
        return redirect("api:tokens")
    return render(request, "api/token_created.html", {"token": token, "secret": new["secret"]})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    if not revoke_token(user=request.user, token_id=token_id):
        raise Http404("No such token.")
    messages.success(request, "The token was revoked; it no longer works.")
    return redirect("api:tokens")
