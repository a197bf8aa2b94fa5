from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class PerUserThrottle(UserRateThrottle):
    """All of a user's tokens together: more tokens buy no more requests. DRF's own class
    reads the rate once, when imported; this one reads it on each request, so that a
    changed setting (a test's, the fuzzer's server) takes effect."""

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]
