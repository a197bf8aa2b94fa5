"""The candidate forecast's grid for its PDF partial (planning/forecast_grid.py)."""

from django import template

from planning.forecast_grid import ForecastGrid, candidate_forecast_grid

register = template.Library()


@register.filter
def forecast_grid(forecasts) -> ForecastGrid:
    return candidate_forecast_grid(forecasts)
