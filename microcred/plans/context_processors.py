"""What every page's navigation needs to know about the signed-in user."""

from django.utils.functional import SimpleLazyObject

from .site_roles import cached_site_roles


def navigation(request) -> dict:
    # Lazy: only pages that draw the navigation bar ask (not the admin's, not htmx
    # fragments).
    roles = SimpleLazyObject(lambda: cached_site_roles(request.user))
    return {
        "user_reviews": SimpleLazyObject(lambda: roles.reviews),
        "user_oversees": SimpleLazyObject(lambda: roles.oversees),
        "user_administers": SimpleLazyObject(lambda: roles.administers),
    }
