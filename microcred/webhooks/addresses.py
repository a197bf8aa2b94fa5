"""Which addresses a webhook may be sent to (the SSRF guard): HTTPS to public addresses
only, unless settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES (tests, development) also allows
plain HTTP and private, loopback and other non-public addresses. Checked when an endpoint
is registered, and again at each delivery, which then connects to the very address checked
(a host name that resolved to a public address at registration may resolve to an internal
one later: DNS rebinding)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"https": 443, "http": 80}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedAddress(Exception):
    """The URL may not receive webhooks; the message says why, for its owner."""


@dataclass(frozen=True)
class CheckedAddress:
    scheme: str
    host: str  # the URL's host name, for the Host header and the TLS certificate
    port: int
    ip: str  # the address checked, which the delivery connects to
    path: str  # with the query, if any


def _is_public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedAddress(f"The host name “{host}” could not be found.") from error
    # An IPv6 address may carry its zone ("fe80::1%eth0").
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_url(url: str, *, allow_private: bool | None = None) -> CheckedAddress:
    """The address that `url` may be sent to, resolved now; RefusedAddress when it may not
    receive webhooks. `allow_private` defaults to the setting."""
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RefusedAddress("Enter a valid URL.") from error
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_private):
        raise RefusedAddress("Use an https:// address: webhooks are only sent over HTTPS.")
    if not parts.hostname:
        raise RefusedAddress("Enter a valid URL.")
    if parts.username or parts.password:
        raise RefusedAddress("Leave the user name and password out of the address.")
    port = port or DEFAULT_PORTS[scheme]
    addresses = _resolve(parts.hostname, port)
    if not allow_private:
        # Every address the name resolves to: a name may list a public one and a private one.
        refused = [ip for ip in addresses if not _is_public(ip)]
        if refused:
            raise RefusedAddress(
                f"“{parts.hostname}” is a private, loopback or otherwise non-public address "
                f"({refused[0]}): webhooks are only sent to public addresses."
            )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return CheckedAddress(
        scheme=scheme, host=parts.hostname, port=port, ip=str(addresses[0]), path=path
    )
