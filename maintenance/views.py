"""The review calendar's views: the calendar file for members, the secret feed for
calendar apps, resetting that feed's link, and marking a review done. The psychometric
reviews' views: upload, the reviews part of the panel, the file, removal."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.plans.models import Plan
from microcred.plans.permissions import plan_access_or_404
from microcred.plans.record_rows import InvalidRecord, RecordRefused, RecordsLocked
from microcred.work.uploads import SizeLimitedUpload

from .apps import MaintenanceConfig
from .calendar import (
    calendar_filename,
    feed_matches,
    maintenance_page_url,
    plan_review_cycles,
    review_calendar,
)
from .forms import UPLOAD_FORM_ID, PsychometricUploadForm
from .models import PsychometricReview, ReviewCalendarFeed, ReviewCycle
from .panels import PSYCHOMETRICS_PANEL
from .sample_results import SAMPLE_FILENAME, sample_results_csv
from .selectors import reviews_context
from .services import (
    mark_review_done,
    remove_psychometric_review,
    reset_calendar_feed,
    upload_psychometric_results,
)

ONLY_OWNER_RESETS = "Only the plan's owner can reset its calendar link."
LINK_RESET = (
    "The calendar link was reset: the old link no longer works. Calendars subscribed to it "
    "must subscribe again with the new link below."
)
BAD_REVISION = "The review cycle's revision is missing or not a number. Reload the page."


def _calendar_response(plan, *, attachment: bool) -> HttpResponse:
    body = review_calendar(plan=plan, cycles=plan_review_cycles(plan), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{calendar_filename(plan)}"'
    return response


@login_required
@require_GET
def calendar_download(request, plan_id):
    plan = plan_access_or_404(request.user, plan_id).plan
    return _calendar_response(plan, attachment=True)


@require_GET
def calendar_feed(request, plan_id, token):
    """The feed calendar apps subscribe to: the link is the credential, no login."""
    feed = ReviewCalendarFeed.objects.select_related("plan").filter(plan_id=plan_id).first()
    if not feed_matches(feed, token):
        raise Http404("No such calendar.")
    response = _calendar_response(feed.plan, attachment=False)
    # A secret address: kept by no shared cache, and not to be indexed if it leaks.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_reset(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.is_owner, ONLY_OWNER_RESETS)
    reset_calendar_feed(plan=access.plan, user=request.user)
    messages.success(request, LINK_RESET)
    return redirect(maintenance_page_url(access.plan))


@login_required
@require_POST
def review_done(request, plan_id, cycle_id):
    access = plan_access_or_404(
        request.user, plan_id, queryset=Plan.objects.select_related("template_version")
    )
    access.require_writer()
    try:
        base_revision = int(request.POST.get("revision", ""))
    except ValueError:
        return HttpResponseBadRequest(BAD_REVISION)
    try:
        result = mark_review_done(
            plan=access.plan, cycle_id=cycle_id, base_revision=base_revision, user=request.user
        )
    except (RecordsLocked, RecordRefused, InvalidRecord) as refusal:
        messages.error(request, str(refusal))
    else:
        cycle = cast(ReviewCycle, result.record)  # the row mark_review_done saved
        if result.changed:
            messages.success(
                request,
                f"“{cycle.name}” marked done today; next due {cycle.next_due:%-d %B %Y}.",
            )
        else:
            messages.info(request, f"“{cycle.name}” was already marked done today.")
    return redirect(maintenance_page_url(access.plan))


PANEL_ID = PSYCHOMETRICS_PANEL.html_id
UPLOAD_QUEUED = "The results are uploaded; their item analysis will appear below when it is done."
UPLOAD_DONE = "The results are uploaded and analysed: see the item analysis below."
UPLOAD_FAILED = "The results are uploaded but cannot be analysed: see the reason below."
# By the review's status once uploaded (UPLOAD_QUEUED for any other).
UPLOAD_OUTCOMES: dict[str, str] = {
    PsychometricReview.Status.DONE: UPLOAD_DONE,
    PsychometricReview.Status.FAILED: UPLOAD_FAILED,
}
CANNOT_UPLOAD = "Only the plan's owner and editors can upload results, while it is not locked."


def phase_page_url(plan) -> str:
    url = reverse("plans:phase", args=[plan.pk, MaintenanceConfig.phase_slug])
    return f"{url}#{PANEL_ID}"


@csrf_exempt  # checked below, once the size-limited handler is in place
@login_required
def psychometrics_upload(request, plan_id):
    """GET: the upload form on a page of its own (where a refused upload's errors show
    beside its fields). POST: upload, queue the analysis and return to the phase page."""
    # Before anything reads the request's body (the CSRF check reads the POST data).
    limit = SizeLimitedUpload(request, max_bytes=settings.PSYCHOMETRICS_MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return _psychometrics_upload(request, plan_id, limit=limit)


@csrf_protect
def _psychometrics_upload(request, plan_id, *, limit: SizeLimitedUpload):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.can_edit_answers, CANNOT_UPLOAD)
    plan = access.plan
    if request.method != "POST":
        form = PsychometricUploadForm()
    else:
        form = PsychometricUploadForm(
            request.POST,
            request.FILES,
            too_large_limit=limit.max_bytes if limit.too_large else None,
        )
        if form.is_valid():
            review = upload_psychometric_results(
                plan=plan,
                user=request.user,
                upload=form.cleaned_data["results"],
                max_mark=form.cleaned_data["max_mark"],
            )
            outcome = UPLOAD_OUTCOMES.get(review.status, UPLOAD_QUEUED)
            messages.success(request, outcome)
            return redirect(phase_page_url(plan))
    return render(
        request,
        "maintenance/psychometrics_upload.html",
        {
            "plan": plan,
            "access": access,
            "form": form,
            "upload_form_id": UPLOAD_FORM_ID,
            "back_url": phase_page_url(plan),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def psychometrics_sample(request):
    """A sample results file to start from, in the shape the upload reads."""
    response = HttpResponse(sample_results_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{SAMPLE_FILENAME}"'
    return response


@login_required
def psychometrics_status(request, plan_id):
    """The panel's reviews and latest analysis; htmx polls it while one is pending."""
    access = plan_access_or_404(request.user, plan_id)
    return render(
        request,
        "maintenance/panels/_psychometric_reviews.html",
        {"data": reviews_context(access.plan, access=access)},
    )


@login_required
def psychometrics_download(request, plan_id, review_id):
    plan = plan_access_or_404(request.user, plan_id).plan
    review = get_object_or_404(PsychometricReview, plan=plan, pk=review_id)
    try:
        handle = review.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this review is missing from storage.") from None
    return FileResponse(
        handle, as_attachment=True, filename=review.filename, content_type="text/csv"
    )


ONLY_OWNER_REMOVES = "Only the plan's owner can remove an item analysis."
ANALYSIS_REMOVED = "The item analysis of {filename} is removed."
ALREADY_REMOVED = "The item analysis of {filename} was already removed."


@login_required
@require_http_methods(["GET", "POST"])
def psychometrics_remove(request, plan_id, review_id):
    """GET: the page where the owner confirms, after reading what removal means. POST:
    remove, whatever the plan's status (see services.remove_psychometric_review)."""
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.is_owner, ONLY_OWNER_REMOVES)
    plan = access.plan
    review = get_object_or_404(
        PsychometricReview.objects.select_related("uploaded_by").defer("results", "histogram_svg"),
        plan=plan,
        pk=review_id,
    )
    removed = None
    if request.method == "POST":
        removed = remove_psychometric_review(plan=plan, review_id=review.pk, user=request.user)
    elif review.status != PsychometricReview.Status.REMOVED:
        return render(
            request,
            "maintenance/psychometrics_remove.html",
            {"plan": plan, "review": review, "back_url": phase_page_url(plan)},
        )
    if removed is None:
        messages.info(request, ALREADY_REMOVED.format(filename=review.filename))
    else:
        messages.success(request, ANALYSIS_REMOVED.format(filename=review.filename))
    return redirect(phase_page_url(plan))
