"""The login page's choice of identity providers."""

from django import template

from ..identity_providers import IdentityProvider
from ..social_apps import login_url

register = template.Library()


@register.simple_tag
def institution_sign_in_choices() -> list[dict[str, str]]:
    """The active identity providers, each as its button's label and the URL it posts to."""
    providers = IdentityProvider.objects.filter(active=True)
    return [
        {"label": provider.button_label, "url": login_url(provider)}
        for provider in providers.order_by("button_label")
    ]
