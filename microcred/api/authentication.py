from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .services import TokenRefused, token_for_secret

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <secret>` with a personal access token; the token is the
    request's `auth`, for the scope check (permissions.TokenScope)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header should be: Bearer <token>."
            )
        try:
            token = token_for_secret(parts[1].decode("latin-1"))
        except TokenRefused as refusal:
            raise exceptions.AuthenticationFailed(str(refusal)) from None
        return token.user, token

    def authenticate_header(self, request):
        # A 401 (not 403) when no credentials came, with how to send them.
        return 'Bearer realm="api"'
