"""How many sign-in attempts an address may cause: the pause of an address after many
wrong passwords."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


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
