"""Whose network address a request comes from, for the login throttles and the password
reset limits: the one place that reads REMOTE_ADDR and X-Forwarded-For."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The connection's address; behind `TRUSTED_PROXY_COUNT` reverse proxies, the entry
    that the first of them appended to X-Forwarded-For, counted from the right (each proxy
    appends the address it was reached from, and the last one is the connection).

    Entries left of that one are whatever the client sent, so they are never read. A
    request without as many entries as there are proxies, or without an address where the
    first proxy's entry should be, did not come through them: it counts as the connection,
    never as "no address", which every such request would share."""
    connection = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies:
            appended = _normalized(forwarded[-proxies].strip())
            if appended:
                return appended
    return _normalized(connection) or connection


def _normalized(address: str) -> str:
    """One spelling per address ('' if it is none), so that respelling it (upper case,
    zeros, an IPv4 address mapped into IPv6) does not make a new count."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ip)
