"""What the psychometrics panel shows: the plan's recent reviews and the latest finished
analysis, its figures written out for reading."""

from dataclasses import dataclass, field
from typing import Any, cast

from microcred.plans.models import Plan
from microcred.plans.permissions import PlanAccess
from microcred.records.types import Figure

from .models import PsychometricReview
from .psychometrics import FLAGS_LEGEND, ItemAnalysis, ItemFlag, item_flags

RECENT_REVIEWS = 10
UNDEFINED = "undefined"
# Beyond this many items the page folds the item table away (the PDF prints it whole).
ITEMS_SHOWN_OPEN = 20

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


@dataclass
class Analysis:
    review: PsychometricReview
    figures: list[Figure]
    items: list[ItemRow]
    alpha_note: str = ""
    flags_legend: str = FLAGS_LEGEND
    flagged: int = field(init=False)

    def __post_init__(self) -> None:
        self.flagged = sum(bool(item.flags) for item in self.items)

    @property
    def folded(self) -> bool:
        return len(self.items) > ITEMS_SHOWN_OPEN


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
    items = [
        ItemRow(
            name=item["item"],
            facility=figure_text(item["facility"], 2),
            sd=figure_text(item["sd"], 2),
            discrimination_index=figure_text(item["discrimination_index"], 1),
            discriminative_efficiency=figure_text(item["discriminative_efficiency"], 1),
            r_item_total=figure_text(item["r_item_total"], 2),
            flags=item_flags(item),
        )
        for item in results["items"]
    ]
    alpha = test["alpha"]
    note = UNDEFINED_ALPHA if alpha is None else NEGATIVE_ALPHA if alpha < 0 else ""
    return Analysis(review=review, figures=figures, items=items, alpha_note=note)


def recent_reviews(plan: Plan, *, limit: int = RECENT_REVIEWS) -> list[PsychometricReview]:
    """The plan's latest reviews, newest first, without their (large) figures."""
    return list(
        plan.psychometric_reviews.select_related("uploaded_by").defer("results", "histogram_svg")[
            :limit
        ]
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
    }
