"""Classical item analysis of an assessment's results: per-item facility, spread and
discrimination, and the test's reliability, in float64 with vectorized numpy.

x is an item's scores, T each candidate's total, rest = T - x; n candidates, k items;
variances, SDs and covariances divide by n - 1. A figure that is undefined for the data
(a correlation with a constant, the skewness of fewer than three totals) is None, which
JSON writes as null.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NotRequired, TypedDict

import numpy as np
import numpy.typing as npt

# Items whose sorted scores are paired at once: bounds the memory of the sorted copies
# (n x this many float64 values twice) whatever the number of items.
SORTED_COLUMNS_AT_ONCE = 16

HARD_BELOW = 0.2
EASY_ABOVE = 0.9
LOW_DISCRIMINATION_BELOW = 15

# A vector or matrix of scores, totals or figures.
FloatArray = npt.NDArray[np.float64]


class ItemFigures(TypedDict):
    """One item's figures (see the module's docstring); None where undefined."""

    item: str
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    r_item_total: float | None


class TestFigures(TypedDict):
    """The figures of the candidates' totals; None where undefined."""

    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    sem: float | None


class ItemAnalysis(TypedDict):
    """What `item_analysis` gives: as `manage.py item_analysis --json` prints it and a
    review stores it (PsychometricReview.results); `max_marks` when each item has its own
    (a results file's max row)."""

    items: list[ItemFigures]
    test: TestFigures
    max_marks: NotRequired[list[float]]


@dataclass(frozen=True)
class ItemFlag:
    label: str  # in the item table
    meaning: str  # in the table's legend


HARD = ItemFlag("Hard", "facility below 0.2")
EASY = ItemFlag("Easy", "facility above 0.9")
LOW_DISCRIMINATION = ItemFlag("Low discrimination", "discrimination index below 15")
NEGATIVE_DISCRIMINATION = ItemFlag(
    "Negative discrimination",
    "discrimination index below 0: the stronger the rest of a candidate's test, the lower "
    "their score on the item",
)
FLAGS = [HARD, EASY, LOW_DISCRIMINATION, NEGATIVE_DISCRIMINATION]
FLAGS_LEGEND = "; ".join(f"{flag.label}: {flag.meaning}" for flag in FLAGS) + "."


def _figure(value: float | np.floating) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator, NaN where the denominator is 0 (an undefined figure)."""
    quotient = np.full(np.shape(numerator), np.nan)
    np.divide(numerator, denominator, out=quotient, where=denominator != 0)
    return quotient


def sorted_pair_covariances(scores: FloatArray, totals: FloatArray) -> FloatArray:
    """cov(sort(x), sort(rest)) for each item: both sorted ascending, then paired. This
    is the largest covariance that x and rest could have with their values as they are."""
    n, k = scores.shape
    # Whole-number scores whose totals fit in 16 bits sort as integers, which numpy's
    # stable sort does by radix, about 15 times faster than sorting floats.
    small_whole = totals.max() <= np.iinfo(np.int16).max
    covariances = np.empty(k)
    for start in range(0, k, SORTED_COLUMNS_AT_ONCE):
        block = scores[:, start : start + SORTED_COLUMNS_AT_ONCE]
        if small_whole and np.array_equal(block, np.floor(block)):
            block = block.astype(np.int16)
            rests = totals.astype(np.int16)[:, None] - block
        else:
            rests = totals[:, None] - block
        sorted_scores = np.sort(block, axis=0, kind="stable").astype(np.float64)
        sorted_rests = np.sort(rests, axis=0, kind="stable").astype(np.float64)
        sorted_scores -= sorted_scores.mean(axis=0)
        sorted_rests -= sorted_rests.mean(axis=0)
        covariances[start : start + block.shape[1]] = np.einsum(
            "ij,ij->j", sorted_scores, sorted_rests
        ) / (n - 1)
    return covariances


def k_statistic_shape(totals: FloatArray) -> tuple[float | None, float | None]:
    """Skewness k3 / k2^1.5 and kurtosis k4 / k2^2 of the totals, from Fisher's
    k-statistics (unbiased cumulants); None where n is too small or k2 is 0."""
    n = totals.size
    deviations = totals - totals.mean()
    m2 = np.mean(deviations**2)
    m3 = np.mean(deviations**3)
    m4 = np.mean(deviations**4)
    k2 = n * m2 / (n - 1)
    if k2 == 0:
        return None, None
    skewness = None
    if n >= 3:
        k3 = n**2 * m3 / ((n - 1) * (n - 2))
        skewness = _figure(k3 / k2**1.5)
    kurtosis = None
    if n >= 4:
        k4 = n**2 * ((n + 1) * m4 - 3 * (n - 1) * m2**2) / ((n - 1) * (n - 2) * (n - 3))
        kurtosis = _figure(k4 / k2**2)
    return skewness, kurtosis


def item_analysis(
    scores: FloatArray, *, item_names: list[str], max_mark: float | Sequence[float]
) -> ItemAnalysis:
    """The item and test figures of a candidates x items matrix of scores (at least 2 of
    each), as `manage.py item_analysis --json` prints them and a review stores them;
    `max_mark` is every item's, or each item's in order."""
    scores = np.asarray(scores, dtype=np.float64)
    totals = scores.sum(axis=1)
    spread = _spread(scores, totals)
    max_marks = np.broadcast_to(np.asarray(max_mark, dtype=np.float64), scores.shape[1:])
    analysis: ItemAnalysis = {
        "items": _item_figures(scores, totals, spread, item_names=item_names, max_marks=max_marks),
        "test": _test_figures(totals, spread, k=scores.shape[1]),
    }
    if isinstance(max_mark, Sequence):
        analysis["max_marks"] = [float(mark) for mark in max_mark]
    return analysis


@dataclass(frozen=True)
class _Spread:
    """The variances and covariances that the figures are made of (in the notation
    above), for each item and for the totals."""

    item_means: FloatArray
    item_variances: FloatArray
    item_sds: FloatArray
    rest_sds: FloatArray
    total_variance: float
    item_total_covariances: FloatArray
    item_rest_covariances: FloatArray


def _spread(scores: FloatArray, totals: FloatArray) -> _Spread:
    n = scores.shape[0]
    item_sums = scores.sum(axis=0)
    item_means = item_sums / n
    # Sums of squares rather than centred copies of the matrix: scores lie between 0 and
    # the maximum mark, so nothing large cancels, and no n x k temporary is made.
    item_variances = (np.einsum("ij,ij->j", scores, scores) - item_sums * item_means) / (n - 1)
    total_deviations = totals - totals.mean()
    total_variance = total_deviations @ total_deviations / (n - 1)
    # cov(x, T) for every item at once (the deviations of T sum to 0, so x needs no
    # centring); cov(x, rest) and var(rest) follow from it.
    item_total_covariances = scores.T @ total_deviations / (n - 1)
    item_rest_covariances = item_total_covariances - item_variances
    rest_variances = total_variance - 2 * item_total_covariances + item_variances
    item_sds = np.sqrt(item_variances)
    # A constant rest (T - x) comes out of the subtraction as rounding noise around 0:
    # its correlations are undefined, not huge.
    rest_variances[rest_variances <= 1e-12 * (total_variance + item_variances)] = 0
    rest_sds = np.sqrt(rest_variances)
    return _Spread(
        item_means=item_means,
        item_variances=item_variances,
        item_sds=item_sds,
        rest_sds=rest_sds,
        total_variance=total_variance,
        item_total_covariances=item_total_covariances,
        item_rest_covariances=item_rest_covariances,
    )


def _item_figures(
    scores: FloatArray,
    totals: FloatArray,
    spread: _Spread,
    *,
    item_names: list[str],
    max_marks: FloatArray,
) -> list[ItemFigures]:
    discrimination = 100 * _ratio(spread.item_rest_covariances, spread.item_sds * spread.rest_sds)
    efficiency = 100 * _ratio(spread.item_rest_covariances, sorted_pair_covariances(scores, totals))
    item_total = _ratio(
        spread.item_total_covariances, spread.item_sds * math.sqrt(spread.total_variance)
    )
    return [
        {
            "item": name,
            "facility": _figure(spread.item_means[j] / max_marks[j]),
            "sd": _figure(spread.item_sds[j]),
            "discrimination_index": _figure(discrimination[j]),
            "discriminative_efficiency": _figure(efficiency[j]),
            "r_item_total": _figure(item_total[j]),
        }
        for j, name in enumerate(item_names)
    ]


def _test_figures(totals: FloatArray, spread: _Spread, *, k: int) -> TestFigures:
    total_variance = spread.total_variance
    total_sd = math.sqrt(total_variance)
    alpha = None
    sem = None
    if total_variance > 0:
        alpha = k / (k - 1) * (1 - spread.item_variances.sum() / total_variance)
        # Defined for a negative alpha too (then larger than the SD of the totals).
        sem = total_sd * math.sqrt(1 - alpha)
    skewness, kurtosis = k_statistic_shape(totals)
    return {
        "attempts": totals.size,
        "mean": _figure(totals.mean()),
        "median": _figure(np.median(totals)),
        "sd": _figure(total_sd),
        "skewness": skewness,
        "kurtosis": kurtosis,
        "alpha": _figure(alpha) if alpha is not None else None,
        "sem": _figure(sem) if sem is not None else None,
    }


def item_flags(item: ItemFigures) -> list[ItemFlag]:
    """What a reviewer should look at in an item: too hard or too easy to tell candidates
    apart, or its score not going with the rest of the test. A negative index is below
    15 as well; it is flagged once, as negative."""
    flags = []
    facility = item["facility"]
    if facility is not None and facility < HARD_BELOW:
        flags.append(HARD)
    if facility is not None and facility > EASY_ABOVE:
        flags.append(EASY)
    discrimination = item["discrimination_index"]
    if discrimination is not None and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    elif discrimination is not None and discrimination < LOW_DISCRIMINATION_BELOW:
        flags.append(LOW_DISCRIMINATION)
    return flags


@dataclass(frozen=True)
class AlphaBand:
    """What a Cronbach's alpha below `below` (and at least the previous band's) means for
    deciding who earns the credential on the totals (the usual rule of thumb, George and
    Mallery 2003, with Nunnally's 0.7 as the least to decide on)."""

    below: float
    name: str
    meaning: str
    warns: bool  # too low to decide on the totals alone


ALPHA_BANDS = [
    AlphaBand(
        0.6,
        "too unreliable to decide on",
        "the totals hold too much chance to pass or fail candidates on them. Revise the "
        "flagged items, or add items, before this assessment decides who earns the "
        "credential.",
        warns=True,
    ),
    AlphaBand(
        0.7,
        "questionable",
        "decide on the totals only together with other evidence (a second assessment, a "
        "portfolio), and revise the flagged items.",
        warns=True,
    ),
    AlphaBand(
        0.8,
        "acceptable",
        "consistent enough to decide on for a microcredential; look again at candidates "
        "just below the passing score, and at the flagged items.",
        warns=False,
    ),
    AlphaBand(0.9, "good", "the totals are consistent enough to decide on.", warns=False),
    AlphaBand(
        math.inf,
        "excellent",
        "very consistent; some items may ask the same thing twice (redundant), so a shorter "
        "test could do as well.",
        warns=False,
    ),
]


def alpha_band(alpha: float) -> AlphaBand:
    return next(band for band in ALPHA_BANDS if alpha < band.below)
