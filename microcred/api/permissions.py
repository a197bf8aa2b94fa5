from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken


class TokenScope(BasePermission):
    """A read-only token reads; writing takes a read-and-write token (or a session)."""

    message = "This token is read-only."

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and token.is_read_only:
            return request.method in SAFE_METHODS
        return True
