"""The review calendar's views: the calendar file for members, the secret feed for
calendar apps, resetting that feed's link, and marking a review done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from microcred.plans.models import Plan
from microcred.plans.permissions import plan_access_or_404
from microcred.plans.record_rows import InvalidRecord, RecordRefused, RecordsLocked

from .calendar import (
    calendar_filename,
    feed_matches,
    maintenance_page_url,
    plan_review_cycles,
    review_calendar,
)
from .models import ReviewCalendarFeed
from .services import mark_review_done, reset_calendar_feed

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
        cycle = result.record
        if result.changed:
            messages.success(
                request,
                f"“{cycle.name}” marked done today; next due {cycle.next_due:%-d %B %Y}.",
            )
        else:
            messages.info(request, f"“{cycle.name}” was already marked done today.")
    return redirect(maintenance_page_url(access.plan))
