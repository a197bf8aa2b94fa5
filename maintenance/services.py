"""Maintenance's writes: marking a review done, and the plan's secret calendar link.

Psychometric reviews: an upload of results is recorded, handed to a worker once
committed, claimed with a conditional UPDATE, computed and stored, exactly as PDF exports
are (see microcred/reports/services.py), so that a broker or worker that is down delays an
analysis but never loses it."""

import datetime
import logging
import secrets
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from microcred.plans.models import Plan
from microcred.plans.outbox import claim, dispatch, requeue_abandoned, resend_refused
from microcred.plans.page_cache import plan_pages_changed
from microcred.plans.record_rows import RecordConflict, RecordSaveResult, save_record

from . import tasks
from .forms import ReviewCycleForm
from .models import PsychometricReview, ReviewCalendarFeed, ReviewCycle

ROW_NAME = "review cycle"


def _form_data(cycle: ReviewCycle, *, plan) -> dict:
    """The row as its form would post it unchanged."""
    form = ReviewCycleForm(instance=cycle, plan=plan)
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def mark_review_done(
    *,
    plan,
    cycle_id: int,
    base_revision: int,
    user,
    today: datetime.date | None = None,
) -> RecordSaveResult:
    """Set the review cycle's last-done date to today, and so its next due date, as a
    change of its row (history, revision): refused like any change of a row while the
    plan's answers are locked (RecordsLocked), or when the row changed since
    `base_revision` or is gone (RecordConflict). Its first due date is cleared, which a
    review once done no longer has. `changed` is False when it was already done today."""
    today = today or timezone.localdate()
    cycle = ReviewCycle.objects.select_related("question").filter(plan=plan, pk=cycle_id).first()
    if cycle is None:
        raise RecordConflict(None, ROW_NAME)
    data = _form_data(cycle, plan=plan) | {"last_done": today.isoformat(), "first_due": ""}
    return save_record(
        plan=plan,
        question=cycle.question,
        data=data,
        user=user,
        record_id=cycle.pk,
        base_revision=base_revision,
    )


def _new_secret() -> str:
    return secrets.token_hex(32)


def calendar_feed_for(*, plan) -> ReviewCalendarFeed:
    """The plan's calendar feed, made on first use."""
    feed = ReviewCalendarFeed.objects.filter(plan=plan).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return ReviewCalendarFeed.objects.create(
                plan=plan, secret=_new_secret(), created_at=timezone.now()
            )
    except IntegrityError:
        # Made meanwhile by another request of the owner's.
        return ReviewCalendarFeed.objects.get(plan=plan)


@transaction.atomic
def reset_calendar_feed(*, plan, user) -> ReviewCalendarFeed:
    """Give the plan's calendar feed a new secret link: the old link stops working."""
    feed = calendar_feed_for(plan=plan)
    feed.secret = _new_secret()
    feed.reset_at = timezone.now()
    feed.reset_by = user
    feed.save(update_fields=["secret", "reset_at", "reset_by"])
    plan_pages_changed(plan_id=plan.pk)  # the Maintenance page shows the link
    return feed


logger = logging.getLogger(__name__)

Status = PsychometricReview.Status


def running_lease() -> datetime.timedelta:
    """A "running" review whose start is older than this lost its worker."""
    return datetime.timedelta(seconds=settings.PSYCHOMETRICS_RUNNING_LEASE)


def upload_psychometric_results(
    *, plan: Plan, user, upload: UploadedFile, max_mark: Decimal
) -> PsychometricReview:
    """Keep the uploaded CSV and queue its analysis, handed to the broker once the review
    is committed. The file is moved, not copied, from where the upload streamed it."""
    with transaction.atomic():
        review = PsychometricReview(
            plan=plan, uploaded_by=user, filename=upload.name[:255], max_mark=max_mark
        )
        review.file.save(upload.name, upload, save=False)
        review.save()
        plan_pages_changed(plan_id=plan.pk)
        transaction.on_commit(partial(dispatch_review, review_id=review.pk))
    review.refresh_from_db()
    return review


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


def dispatch_review(*, review_id: int, previous: datetime.datetime | None = None) -> bool:
    """Hand a queued review to the workers (see `outbox.dispatch`)."""
    return dispatch(
        PsychometricReview.objects.filter(status=Status.QUEUED),
        task=tasks.compute_psychometric_review,
        pk=review_id,
        previous=previous,
    )


def requeue_stalled_reviews() -> int:
    """Run periodically by Celery beat, like `reports.services.requeue_stalled_exports`:
    requeues the reviews whose worker died (running past the lease), or fails them after
    PSYCHOMETRICS_MAX_ATTEMPTS starts; then hands over again the queued reviews the broker
    refused or lost. Every change is conditional. Returns how many were handed over."""
    for review_id in requeue_abandoned(
        PsychometricReview,
        lease=running_lease(),
        max_attempts=settings.PSYCHOMETRICS_MAX_ATTEMPTS,
        abandoned_reason=lambda row: abandoned_reason(row["attempts"]),
    ):
        review_shown_changed(review_id)
    return resend_refused(PsychometricReview, task=tasks.compute_psychometric_review)


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
            matrix = read_score_file(handle, max_mark=float(review.max_mark))
    except ScoreFileError as error:
        ours.update(status=Status.FAILED, error=str(error), finished_at=timezone.now())
    else:
        results = item_analysis(
            matrix.scores, item_names=matrix.item_names, max_mark=float(review.max_mark)
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


def fail_review(*, review_id: int, reason: str) -> None:
    """Record why a review failed, in words its uploader can act on."""
    PsychometricReview.objects.filter(
        pk=review_id, status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.FAILED, error=reason, finished_at=timezone.now())
    review_shown_changed(review_id)


def failure_reason(error: BaseException) -> str:
    return (
        "The item analysis could not be computed because of an unexpected problem "
        f"({type(error).__name__}: {error}). Please tell your administrator."
    )


def abandoned_reason(attempts: int) -> str:
    return (
        f"The item analysis was started {attempts} times and each time its worker stopped "
        "before finishing (it may have run out of memory). Please tell your administrator."
    )
