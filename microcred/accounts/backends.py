"""An authentication backend that only ever refuses: logins from a paused address."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .addresses import client_address
from .throttles import login_paused_for


class AddressPauseBackend:
    """First in AUTHENTICATION_BACKENDS, so that every login form (ours and the admin's)
    is refused from a paused address before any password is checked. It logs no one in,
    and locks no account: the pause holds for that address only."""

    def authenticate(self, request: HttpRequest | None, **credentials: object) -> None:
        if request is None or not settings.AXES_ENABLED:
            return
        if not login_paused_for(address=client_address(request)):
            return
        # django-axes' flag for a refused login: its signal handler does not record the
        # attempt (so it does not extend the pause), and its middleware answers with
        # AXES_LOCKOUT_CALLABLE, which tells a pause from a lockout by the second flag.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.login_address_paused = True  # type: ignore[attr-defined]
        raise PermissionDenied
