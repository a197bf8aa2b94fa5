"""Amounts and fractions as the ROI panel shows them (planning/figures.py)."""

from decimal import Decimal

from django import template

from planning.figures import money_display, percent_display

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else money_display(amount, currency)


@register.filter
def percent(fraction: Decimal | None) -> str:
    return percent_display(fraction)
