"""Maintenance's writes: marking a review done, and the plan's secret calendar link.

Psychometric reviews: an upload of results is recorded and handed to a worker once
committed, exactly as PDF exports are, so that a broker or worker that is down delays an
analysis but never loses it (psychometric_runs.py is the worker's side); the owner may
remove one."""

import datetime
import secrets
from decimal import Decimal
from functools import partial
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from microcred.plans.activity import record_activity
from microcred.plans.models import Plan, PlanActivity
from microcred.plans.page_cache import plan_pages_changed
from microcred.plans.record_rows import RecordConflict, RecordSaveResult, save_record
from microcred.plans.services import display_name
from microcred.work.outbox import dispatch

from . import tasks
from .forms import ReviewCycleForm
from .models import PsychometricReview, ReviewCalendarFeed, ReviewCycle
from .psychometric_runs import review_shown_changed

ROW_NAME = "review cycle"


def _form_data(cycle: ReviewCycle, *, plan: Plan) -> dict[str, Any]:
    """The row as its form would post it unchanged."""
    # RecordForm.__init__ (records.forms) has no annotations yet.
    form = ReviewCycleForm(instance=cycle, plan=plan)
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def mark_review_done(
    *,
    plan: Plan,
    cycle_id: int,
    base_revision: int,
    user: User,
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


def calendar_feed_for(*, plan: Plan) -> ReviewCalendarFeed:
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
def reset_calendar_feed(*, plan: Plan, user: User) -> ReviewCalendarFeed:
    """Give the plan's calendar feed a new secret link: the old link stops working."""
    feed = calendar_feed_for(plan=plan)
    feed.secret = _new_secret()
    feed.reset_at = timezone.now()
    feed.reset_by = user
    feed.save(update_fields=["secret", "reset_at", "reset_by"])
    plan_pages_changed(plan_id=plan.pk)  # the Maintenance page shows the link
    return feed


Status = PsychometricReview.Status


def upload_psychometric_results(
    *, plan: Plan, user: User, upload: "UploadedFile[bytes]", max_mark: Decimal
) -> PsychometricReview:
    """Keep the uploaded CSV and queue its analysis, handed to the broker once the review
    is committed. The file is moved, not copied, from where the upload streamed it."""
    # The form's FileField refuses a file without a name.
    name = cast(str, upload.name)
    with transaction.atomic():
        review = PsychometricReview(
            plan=plan, uploaded_by=user, filename=name[:255], max_mark=max_mark
        )
        review.file.save(name, upload, save=False)
        review.save()
        # What the plan says now includes these results: their uploader wrote in it
        # (plans.authorship), which the activity keeps even if the analysis goes.
        record_activity(
            plan=plan,
            actor=user,
            verb=PlanActivity.Verb.RESULTS_UPLOADED,
            summary=f"{display_name(user)} uploaded the assessment results “{review.filename}”",
        )
        plan_pages_changed(plan_id=plan.pk)
        transaction.on_commit(partial(dispatch_review, review_id=review.pk))
    review.refresh_from_db()
    return review


def dispatch_review(*, review_id: int, previous: datetime.datetime | None = None) -> bool:
    """Hand a queued review to the workers (see `work.outbox.dispatch`)."""
    return dispatch(
        PsychometricReview.objects.filter(status=Status.QUEUED),
        task=tasks.compute_psychometric_review,
        pk=review_id,
        previous=previous,
    )


def remove_psychometric_review(
    *, plan: Plan, review_id: int, user: User
) -> PsychometricReview | None:
    """Remove one of the plan's reviews for good: its figures, histogram and stored file go,
    its row stays in the list of uploads, saying who removed it and when. Whatever the
    plan's status: a locked plan takes no new upload, and a file holding what it should not
    (candidates' names) must go whenever it is found. A worker computing the review stores
    nothing (it updates only a running review). None when it was already removed."""
    with transaction.atomic():
        review = (
            PsychometricReview.objects.select_for_update()
            .only("pk", "plan_id", "status", "file")
            .filter(plan=plan, pk=review_id)
            .exclude(status=Status.REMOVED)
            .first()
        )
        if review is None:
            return None
        PsychometricReview.objects.filter(pk=review.pk).update(
            status=Status.REMOVED,
            results=None,
            histogram_svg="",
            error="",
            file="",
            removed_at=timezone.now(),
            removed_by=user,
        )
        # Its figures were in the plan's content (the PDF prints the latest analysis).
        review_shown_changed(review.pk, figures=review.status == Status.DONE)
        if review.file.name:
            transaction.on_commit(partial(review.file.storage.delete, review.file.name))
    return PsychometricReview.objects.get(pk=review.pk)
