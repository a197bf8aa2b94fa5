"""System checks of the sign-in settings, run at start-up (`manage.py check`)."""

from django.conf import settings
from django.core.checks import Warning as CheckWarning


def check_trusted_proxy_count(app_configs=None, **kwargs) -> list[CheckWarning]:
    """Behind a TLS proxy every connection comes from the proxy: without
    TRUSTED_PROXY_COUNT, all clients are one address to the login throttles."""
    if not settings.SECURE_PROXY_SSL_HEADER or settings.TRUSTED_PROXY_COUNT:
        return []
    return [
        CheckWarning(
            "BEHIND_TLS_PROXY is set but TRUSTED_PROXY_COUNT is 0: every client would count "
            "as the proxy's address, and share one count of failed logins and password "
            "reset requests.",
            hint="Set TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the "
            "site (1 for one TLS proxy).",
            id="accounts.W001",
        )
    ]
