from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from microcred.plans.permissions import plan_access_or_404

from .apps import MaintenanceConfig
from .forms import UPLOAD_FORM_ID, PsychometricUploadForm
from .models import PsychometricReview
from .panels import PSYCHOMETRICS_PANEL
from .selectors import reviews_context
from .services import upload_psychometric_results
from .uploads import SizeLimitedUpload

PANEL_ID = PSYCHOMETRICS_PANEL.html_id
UPLOAD_QUEUED = "The results are uploaded; their item analysis will appear below when it is done."
UPLOAD_DONE = "The results are uploaded and analysed: see the item analysis below."
UPLOAD_FAILED = "The results are uploaded but cannot be analysed: see the reason below."
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
            outcome = {
                PsychometricReview.Status.DONE: UPLOAD_DONE,
                PsychometricReview.Status.FAILED: UPLOAD_FAILED,
            }.get(review.status, UPLOAD_QUEUED)
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
