"""How many sign-in attempts an address or a mailbox may cause: the pause of an address
after many wrong passwords, and the limits on password reset e-mails."""

import hashlib
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

# The password reset limits count requests in windows of this length, each starting with
# the first request that it counts.
RESET_LIMIT_WINDOW = timedelta(hours=1)


def login_paused_for(*, address: str) -> bool:
    """Whether logins from the address are refused for now: LOGIN_FAILURES_PER_ADDRESS
    wrong passwords from it, for whatever usernames, within the cool-off. Counted from
    django-axes' records, so that every web process sees the same count and
    `manage.py axes_reset_ip` lifts the pause."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.LOGIN_FAILURES_PER_ADDRESS


def reset_email_allowed(*, address: str, email: str) -> bool:
    """Count a password reset request against the address it came from and the e-mail
    address it names, and say whether its e-mail may be sent: at most
    PASSWORD_RESET_REQUESTS_PER_ADDRESS an hour from one address, and
    PASSWORD_RESET_EMAILS_PER_RECIPIENT an hour to one mailbox, whether or not an account
    has it (the answer must not tell). A request over its address's limit does not count
    against the mailbox, so that one address cannot use up someone's resets."""
    if _count(f"password-reset:address:{address}") > settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS:
        return False
    # Hashed: any spelling of a mailbox fits in a cache key, and the cache holds no address.
    mailbox = hashlib.sha256(email.casefold().encode()).hexdigest()
    return _count(f"password-reset:mailbox:{mailbox}") <= (
        settings.PASSWORD_RESET_EMAILS_PER_RECIPIENT
    )


def _count(key: str) -> int:
    """Add one to the counter under `key`, which lasts RESET_LIMIT_WINDOW from its first
    count, and return its new value. In the shared cache (CACHE_URL) when there is one,
    so every web process adds to the same counter."""
    window = int(RESET_LIMIT_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this request starts the next one.
        cache.set(key, 1, timeout=window)
        return 1
