"""Whether any webhook endpoint is active, cached: an answer's autosave asks it, and most
sites have no endpoint, so that a save costs no query for webhooks. The flag is forgotten
whenever an endpoint is made, deleted, enabled or disabled; with a cache of each process's
own (no CACHE_URL), another process sees the change within FLAG_SECONDS."""

from functools import partial

from django.core.cache import cache
from django.db import transaction

from .models import WebhookEndpoint

FLAG_KEY = "webhooks:any-active-endpoint"
FLAG_SECONDS = 60


def any_active_endpoint() -> bool:
    flag = cache.get(FLAG_KEY)
    if flag is None:
        flag = WebhookEndpoint.objects.filter(active=True).exists()
        cache.set(FLAG_KEY, flag, FLAG_SECONDS)
    return bool(flag)


def endpoints_changed() -> None:
    """Forget the flag now and once the change commits (a request reading it meanwhile
    would cache what the database said before the commit)."""
    cache.delete(FLAG_KEY)
    transaction.on_commit(partial(cache.delete, FLAG_KEY))
