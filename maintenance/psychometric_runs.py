"""What a worker does with an uploaded results file: claim its psychometric review,
compute the item analysis and histogram and store them, or record why the file cannot
be analysed (see microcred/work for how the review is queued, claimed and requeued)."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from microcred.plans.models import Plan
from microcred.plans.page_cache import plan_pages_changed
from microcred.work.outbox import claim, requeue_abandoned
from microcred.work.runner import FailureKind, WorkFailure

from .models import PsychometricReview

logger = logging.getLogger(__name__)

Status = PsychometricReview.Status


def running_lease() -> datetime.timedelta:
    """A "running" review whose start is older than this lost its worker."""
    return datetime.timedelta(seconds=settings.PSYCHOMETRICS_RUNNING_LEASE)


def review_shown_changed(review_id: int, *, figures: bool = False) -> None:
    """The review's state changed: the Maintenance page shows it; with new `figures`,
    the plan's content changed too (the PDF prints the latest analysis)."""
    plan_id = (
        PsychometricReview.objects.filter(pk=review_id).values_list("plan_id", flat=True).first()
    )
    if plan_id is None:  # deleted with its plan meanwhile
        return
    if figures:
        Plan.objects.filter(pk=plan_id).update(updated_at=timezone.now())
    else:
        plan_pages_changed(plan_id=plan_id)


class ReviewNotClaimed(Exception):
    """The review is done, failed, or being computed by another worker right now."""


def claim_review(review_id: int, *, claimant: str = "") -> PsychometricReview:
    """Mark the review as running for `claimant` (a task id) if it is queued, already
    claimed by that same task (a retry or redelivery), or abandoned past the lease (see
    `outbox.claim`)."""
    if not claim(PsychometricReview, review_id, claimant=claimant, lease=running_lease()):
        raise ReviewNotClaimed(review_id)
    review_shown_changed(review_id)
    return PsychometricReview.objects.get(pk=review_id)


def compute_review(*, review_id: int, claimant: str = "") -> PsychometricReview | None:
    """Read the review's file, compute its item analysis and histogram and store them,
    or record why the file cannot be analysed. Safe to run twice: a review that is done,
    failed or claimed by someone else is left alone, and only the last claimant's
    figures are kept."""
    # Loaded here, not at import: web processes that only take uploads never need pandas
    # or matplotlib (workers load them at start-up: tasks.load_analysis_libraries).
    from .histogram import totals_histogram_svg
    from .psychometrics import item_analysis
    from .score_file_shape import upload_bounds
    from .score_files import ScoreFileError, read_score_file

    try:
        review = claim_review(review_id, claimant=claimant)
    except ReviewNotClaimed:
        logger.info("Review %s is not waiting to be computed; nothing to do.", review_id)
        return None
    ours = PsychometricReview.objects.filter(
        pk=review.pk, status=Status.RUNNING, attempts=review.attempts
    )
    try:
        with review.file.open("rb") as handle:
            # Checked at upload too: this file may predate the bounds, or they were lowered.
            matrix = read_score_file(
                handle, max_mark=float(review.max_mark), bounds=upload_bounds()
            )
    except ScoreFileError as error:
        ours.update(status=Status.FAILED, error=str(error), finished_at=timezone.now())
    else:
        results = item_analysis(
            matrix.scores,
            item_names=matrix.item_names,
            max_mark=matrix.analysed_max_mark,
        )
        ours.update(
            status=Status.DONE,
            results=results,
            histogram_svg=totals_histogram_svg(matrix.scores.sum(axis=1)),
            error="",
            finished_at=timezone.now(),
        )
    review.refresh_from_db()
    review_shown_changed(review.pk, figures=review.status == Status.DONE)
    return review


def fail_review(failure: WorkFailure, *, review_id: int) -> None:
    """Record why a review failed, in words its uploader can act on."""
    PsychometricReview.objects.filter(
        pk=review_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.FAILED, error=failure_words(failure), finished_at=timezone.now())
    review_shown_changed(review_id)


def failure_words(failure: WorkFailure) -> str:
    if failure.kind is FailureKind.UNAVAILABLE:
        return (
            "The database or the file storage was unavailable for several minutes, so the "
            "results could not be read or saved. Please upload them again."
        )
    if failure.kind is FailureKind.TOO_SLOW:
        return (
            f"The analysis took longer than {failure.time_limit // 60} minutes and was "
            "stopped. Please tell your administrator."
        )
    return failure_reason(failure.error)


def failure_reason(error: BaseException) -> str:
    return (
        "The item analysis could not be computed because of an unexpected problem "
        f"({type(error).__name__}: {str(error).strip()}). Please tell your administrator."
    )


def abandoned_reason(attempts: int) -> str:
    return (
        f"The item analysis was started {attempts} times and each time its worker stopped "
        "before finishing (it may have run out of memory). Please tell your administrator."
    )


def requeue_abandoned_reviews() -> None:
    """Requeue the reviews whose worker died (running past the lease), or fail them after
    PSYCHOMETRICS_MAX_ATTEMPTS starts; the Maintenance page shows each change."""
    for review_id in requeue_abandoned(
        PsychometricReview,
        lease=running_lease(),
        max_attempts=settings.PSYCHOMETRICS_MAX_ATTEMPTS,
        abandoned_reason=lambda row: abandoned_reason(row["attempts"]),
    ):
        review_shown_changed(review_id)
