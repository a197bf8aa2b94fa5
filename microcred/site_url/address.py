"""The site's address, which every link read outside the browser starts with: e-mails,
the review calendar and its events, a plan file's `$schema`, a credential definition's ids.

- SITE_URL, when it is set: always. Production sets it (`check --deploy` warns when not).
- Otherwise, in development (DEBUG on): the address the request came to, so that
  `make run PORT=8201` links to port 8201. Work done without a request (an e-mail digest,
  a reminder, a Celery task) takes the address of the last request the site served, kept
  in the cache (which a worker shares when CACHE_URL is shared), or DEFAULT_SITE_URL
  before any request.
- With DEBUG off and no SITE_URL: DEFAULT_SITE_URL; the request's Host header is never
  trusted for links that leave the site.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULT_SITE_URL = "http://127.0.0.1:8000"  # where `make run` serves by default
LAST_REQUEST_KEY = "site-url:last-request"
# Ten years: the address is kept until another request comes to another one.
LAST_REQUEST_SECONDS = 10 * 365 * 24 * 60 * 60

# The address of the request being served, for the functions it calls without it.
_request_address: ContextVar[str | None] = ContextVar("request_address", default=None)


def follows_requests() -> bool:
    """Whether the site's address is the request's (development, no SITE_URL)."""
    return settings.DEBUG and not settings.SITE_URL


def request_address(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def site_url(request: HttpRequest | None = None) -> str:
    """The site's address, without a trailing slash (see the module's docstring)."""
    if settings.SITE_URL:
        return str(settings.SITE_URL).rstrip("/")
    if not settings.DEBUG:
        return DEFAULT_SITE_URL
    if request is not None:
        return request_address(request)
    return _request_address.get() or cache.get(LAST_REQUEST_KEY) or DEFAULT_SITE_URL


def absolute_url(path: str, *, request: HttpRequest | None = None) -> str:
    """The site's address of `path` (which starts with a slash)."""
    return site_url(request) + path


def remember_request_address(address: str) -> None:
    # Development only: a read per request, a write when the address changes.
    if cache.get(LAST_REQUEST_KEY) != address:
        cache.set(LAST_REQUEST_KEY, address, LAST_REQUEST_SECONDS)


class RequestAddressMiddleware:
    """In development, the request's address is the site's for everything the request
    does (site_url() without a request included), and for the work after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not follows_requests():
            return self.get_response(request)
        address = request_address(request)
        remember_request_address(address)
        token = _request_address.set(address)
        try:
            return self.get_response(request)
        finally:
            _request_address.reset(token)
