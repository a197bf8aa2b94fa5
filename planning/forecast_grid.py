"""The candidate forecast as a committee reads it: a grid of price tiers by year, with
the totals of each tier, each year and all of it."""

from collections.abc import Iterable
from dataclasses import dataclass

from .figures import NO_FORECAST
from .models import PLAN_YEARS, CandidateForecast

YEARS = range(1, PLAN_YEARS + 1)
NO_CANDIDATES = "–"  # a year forecast for other tiers, not this one
NO_TIER = "No price tier (deleted)"


@dataclass(frozen=True)
class ForecastGridRow:
    label: str
    cells: list[str]  # one per year, then the row's total


@dataclass(frozen=True)
class ForecastGrid:
    headings: list[str]  # "Year 1" … "Year 5", "Total"
    rows: list[ForecastGridRow]  # one per price tier, in the tiers' order
    totals: ForecastGridRow  # each year's candidates ("no forecast" for a year without)


def grid_row(label: str, candidates: dict[int, int], *, empty: str) -> ForecastGridRow:
    """A row of candidates by year (`empty` where a year has none), then their total."""
    return ForecastGridRow(
        label=label,
        cells=[
            *(f"{candidates[year]:,}" if year in candidates else empty for year in YEARS),
            f"{sum(candidates.values()):,}",
        ],
    )


def candidate_forecast_grid(forecasts: Iterable[CandidateForecast]) -> ForecastGrid:
    """The forecasts' candidates by price tier (rows, in the tiers' own order) and year
    (columns, every year of the plan), with totals. Each tier and year has one forecast
    at most (the model's rule)."""
    by_tier: dict[int | None, dict[int, int]] = {}
    labels: dict[int | None, str] = {}
    order: dict[int | None, tuple[int, int, int]] = {}
    by_year: dict[int, int] = {}
    for forecast in forecasts:
        tier = forecast.price_tier
        key = None if tier is None else tier.pk
        if key not in labels:
            labels[key] = NO_TIER if tier is None else tier.name
            order[key] = (1, 0, 0) if tier is None else (0, tier.position, tier.pk)
        candidates = by_tier.setdefault(key, {})
        candidates[forecast.year] = candidates.get(forecast.year, 0) + forecast.candidates
        by_year[forecast.year] = by_year.get(forecast.year, 0) + forecast.candidates
    return ForecastGrid(
        headings=[*(f"Year {year}" for year in YEARS), "Total"],
        rows=[
            grid_row(labels[key], by_tier[key], empty=NO_CANDIDATES)
            for key in sorted(by_tier, key=order.__getitem__)
        ],
        totals=grid_row("Total", by_year, empty=NO_FORECAST),
    )
