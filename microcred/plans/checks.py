"""System checks of the plans' settings, run at start-up (`manage.py check`)."""

from django.conf import settings
from django.core.checks import Error

from microcred.questionnaires.kinds import CURRENCY_CODES


def check_default_currency(app_configs=None, **kwargs) -> list[Error]:
    """New plans take DEFAULT_CURRENCY: a code outside the list would make every new plan
    fail its own validation."""
    if settings.DEFAULT_CURRENCY in CURRENCY_CODES:
        return []
    return [
        Error(
            f"DEFAULT_CURRENCY is “{settings.DEFAULT_CURRENCY}”, which is not one of the "
            f"currencies plans offer: {', '.join(sorted(CURRENCY_CODES))}.",
            id="plans.E001",
        )
    ]
