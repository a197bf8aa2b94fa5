from django.conf import settings
from django.core.checks import Tags, Warning, register

from .address import DEFAULT_SITE_URL


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    if settings.SITE_URL:
        return []
    return [
        Warning(
            f"SITE_URL is not set: links in e-mails, calendars, plan files and credential "
            f"definitions point at {DEFAULT_SITE_URL}.",
            hint="Set SITE_URL to the address people open the site at, e.g. "
            "SITE_URL=https://plans.example.org.",
            id="site_url.W001",
        )
    ]
