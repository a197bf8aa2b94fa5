"""What the psychometrics panel shows: the plan's recent reviews and the latest finished
analysis, its figures written out for reading."""

from dataclasses import dataclass
from typing import Any, cast

from django.template.defaultfilters import floatformat

from microcred.plans.models import Plan
from microcred.plans.permissions import PlanAccess
from microcred.records.types import Figure

from .models import PsychometricReview
from .psychometrics import (
    FLAGS_LEGEND,
    AlphaBand,
    ItemAnalysis,
    ItemFigures,
    ItemFlag,
    alpha_band,
    item_flags,
)

RECENT_REVIEWS = 10
UNDEFINED = "undefined"
# Beyond this many items the page folds the item table away (the PDF prints it open).
ITEMS_SHOWN_OPEN = 20
# The most rows of the item table on a page and in an export: beyond, the flagged items
# come first, those a reviewer acts on, and a note says what is left out.
ITEM_ROWS_SHOWN = 100

NEGATIVE_ALPHA = (
    "Alpha is negative: the items do not measure one thing (some items' scores go against "
    "the others'), so the total is not a reliable measure. The standard error of "
    "measurement is shown as its formula gives it, larger than the SD of the totals."
)
UNDEFINED_ALPHA = (
    "Alpha and the correlations with the total are undefined: every candidate has the "
    "same total, so the results do not tell candidates apart."
)


def figure_text(value: float | None, places: int) -> str:
    return UNDEFINED if value is None else f"{value:,.{places}f}"


@dataclass(frozen=True)
class ItemRow:
    name: str
    facility: str
    sd: str
    discrimination_index: str
    discriminative_efficiency: str
    r_item_total: str
    flags: list[ItemFlag]


@dataclass(frozen=True)
class Analysis:
    review: PsychometricReview
    figures: list[Figure]
    items: list[ItemRow]  # those the table shows (at most ITEM_ROWS_SHOWN)
    item_count: int
    flagged: int
    alpha_note: str = ""
    # What the alpha means for a decision (None when it is undefined).
    alpha_band: AlphaBand | None = None
    alpha_text: str = ""
    flags_legend: str = FLAGS_LEGEND

    @property
    def alpha_meaning(self) -> str:
        band = self.alpha_band
        if band is None:
            return ""
        return f"Cronbach's alpha {self.alpha_text}: {band.name}: {band.meaning}"

    @property
    def max_marks_text(self) -> str:
        """The items' maximum marks, as the analysis's heading line says them."""
        marks = cast(ItemAnalysis, self.review.results).get("max_marks")
        if not marks:
            return f"maximum mark per item {floatformat(self.review.max_mark, '-2')}"
        low, high = min(marks), max(marks)
        spread = f"{low:g}" if low == high else f"{low:g} to {high:g}"
        return f"maximum marks per item from the file's “max” row ({spread})"

    @property
    def folded(self) -> bool:
        return self.item_count > ITEMS_SHOWN_OPEN

    @property
    def table_note(self) -> str:
        """What the table leaves out, when it does."""
        shown, total, flagged = len(self.items), self.item_count, self.flagged
        if shown == total:
            return ""
        if flagged == 0:
            return f"The table shows the first {shown} of the {total:,} items; none is flagged."
        if flagged >= shown:
            return (
                f"The table shows {shown} of the {total:,} items: the first {shown} of the "
                f"{flagged:,} flagged, in the file's order."
            )
        return (
            f"The table shows {shown} of the {total:,} items: the {flagged:,} flagged and the "
            f"first {shown - flagged} of the others, in the file's order."
        )


def item_row(item: ItemFigures, flags: list[ItemFlag]) -> ItemRow:
    return ItemRow(
        name=item["item"],
        facility=figure_text(item["facility"], 2),
        sd=figure_text(item["sd"], 2),
        discrimination_index=figure_text(item["discrimination_index"], 1),
        discriminative_efficiency=figure_text(item["discriminative_efficiency"], 1),
        r_item_total=figure_text(item["r_item_total"], 2),
        flags=flags,
    )


def shown_item_rows(items: list[ItemFigures]) -> tuple[list[ItemRow], int]:
    """The rows of the item table, in the file's order: every item up to ITEM_ROWS_SHOWN;
    beyond, the flagged ones first, then the others, up to that many. And how many items
    are flagged."""
    flags = [item_flags(item) for item in items]
    flagged = [j for j, item_flagged in enumerate(flags) if item_flagged]
    shown = set(flagged[:ITEM_ROWS_SHOWN])
    for j in range(len(items)):
        if len(shown) >= ITEM_ROWS_SHOWN:
            break
        shown.add(j)
    return [item_row(items[j], flags[j]) for j in sorted(shown)], len(flagged)


def analysis_of(review: PsychometricReview) -> Analysis:
    # A done review's JSON, as `item_analysis` gave it.
    results = cast(ItemAnalysis, review.results)
    test = results["test"]
    figures = [
        Figure("Candidates", f"{test['attempts']:,}"),
        Figure("Items", f"{len(results['items']):,}"),
        Figure("Mean total", figure_text(test["mean"], 2)),
        Figure("Median total", figure_text(test["median"], 2)),
        Figure("SD of totals", figure_text(test["sd"], 2)),
        Figure("Skewness", figure_text(test["skewness"], 2)),
        Figure("Kurtosis", figure_text(test["kurtosis"], 2)),
        Figure("Cronbach's alpha", figure_text(test["alpha"], 2)),
        Figure("Standard error of measurement", figure_text(test["sem"], 2)),
    ]
    items, flagged = shown_item_rows(results["items"])
    alpha = test["alpha"]
    note = UNDEFINED_ALPHA if alpha is None else NEGATIVE_ALPHA if alpha < 0 else ""
    return Analysis(
        review=review,
        figures=figures,
        items=items,
        item_count=len(results["items"]),
        flagged=flagged,
        alpha_note=note,
        alpha_band=None if alpha is None else alpha_band(alpha),
        alpha_text=figure_text(alpha, 2),
    )


def recent_reviews(plan: Plan, *, limit: int = RECENT_REVIEWS) -> list[PsychometricReview]:
    """The plan's latest reviews, newest first, without their (large) figures."""
    return list(
        plan.psychometric_reviews.select_related("uploaded_by", "removed_by").defer(
            "results", "histogram_svg"
        )[:limit]
    )


def latest_analysis(plan: Plan) -> Analysis | None:
    review = plan.psychometric_reviews.filter(status=PsychometricReview.Status.DONE).first()
    return analysis_of(review) if review else None


def reviews_context(plan: Plan, *, access: PlanAccess | None) -> dict[str, Any]:
    """The panel's reviews part, which htmx polls while the latest is pending."""
    reviews = recent_reviews(plan)
    latest = reviews[0] if reviews else None
    return {
        "plan": plan,
        "reviews": reviews,
        "latest": latest,
        "analysis": latest_analysis(plan) if reviews else None,
        "polling": latest is not None and latest.is_pending,
        "can_upload": access is not None and access.can_edit_answers,
        "can_remove": access is not None and access.is_owner,
    }
