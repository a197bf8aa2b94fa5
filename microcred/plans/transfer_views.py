"""Moving plans: a plan's JSON file, importing one as a new plan, a new plan from an
earlier one, and the JSON Schema of the files."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from microcred.reports.options import export_options_of
from microcred.work.uploads import SizeLimitedUpload

from .models import Plan
from .permissions import plan_access_or_404
from .plan_copy import copy_plan, copy_title
from .plan_import import ImportRefused, ImportReport, import_plan, read_plan_file
from .plan_json import SCHEMA_FILE, plan_document, plan_json_filename
from .transfer_forms import JsonExportOptionsForm, PlanCopyForm, PlanImportForm

SCHEMA_CACHE_SECONDS = 24 * 3600


def _plans_with_version():
    return Plan.objects.select_related("template_version")


def json_options_initial(plan) -> dict:
    """The JSON file's options start as the plan's remembered export options, which the
    PDF and Word exports use too."""
    options = export_options_of(plan)
    return {
        "comments": options.include_appendix,
        "unanswered": options.include_unanswered,
        "archived": options.include_archived,
        "phases": sorted(options.phase_slugs or ()),
    }


@login_required
def plan_json_options(request, plan_id):
    """What to put in the plan's JSON file, chosen before downloading it."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    form = JsonExportOptionsForm(plan=plan, initial=json_options_initial(plan))
    return render(request, "plans/transfer/json_options.html", {"plan": plan, "form": form})


@login_required
@require_GET
def plan_json_download(request, plan_id):
    """The plan as a JSON file (format version 1), with the options in the query."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    form = JsonExportOptionsForm(request.GET, plan=plan)
    if not form.is_valid():
        reasons = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(f"These export options are not valid: {reasons}")
    document = plan_document(plan=plan, options=form.options(), site_url=settings.SITE_URL)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan_json_filename(plan)}"'
    return response


@require_GET
@cache_control(public=True, max_age=SCHEMA_CACHE_SECONDS)
def plan_schema(request):
    """The JSON Schema of plan files: public, since it holds no plan's data."""
    return HttpResponse(SCHEMA_FILE.read_bytes(), content_type="application/schema+json")


@csrf_exempt  # checked below, once the size-limited handler is in place
@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request):
    """GET: the upload form. POST: a new plan from the file, then its import report; a
    refused file's problems are listed beside the field, and nothing is stored."""
    # Before anything reads the request's body (the CSRF check reads the POST data).
    limit = SizeLimitedUpload(request, max_bytes=settings.PLAN_IMPORT_MAX_BYTES)
    request.upload_handlers.insert(0, limit)
    return _plan_import(request, limit=limit)


@csrf_protect
def _plan_import(request, *, limit: SizeLimitedUpload):
    if request.method != "POST":
        form = PlanImportForm(max_bytes=limit.max_bytes)
    else:
        form = PlanImportForm(
            request.POST, request.FILES, max_bytes=limit.max_bytes, too_large=limit.too_large
        )
        if form.is_valid():
            try:
                report = import_plan(
                    document=read_plan_file(form.cleaned_data["file"]), user=request.user
                )
            except ImportRefused as refusal:
                form.add_error("file", [str(problem) for problem in refusal.problems])
            else:
                return _to_report(request, report)
    return render(
        request,
        "plans/transfer/import.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _report_key(plan_id: int) -> str:
    return f"plan-import-report-{plan_id}"


def _to_report(request, report: ImportReport):
    # The report lives in the session: it is for the person who imported, right after.
    request.session[_report_key(report.plan_id)] = report.as_dict()
    return redirect("plans:import_report", plan_id=report.plan_id)


@login_required
def plan_import_report(request, plan_id):
    """What an import or a copy placed in the new plan, and what it could not place."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    stored = request.session.get(_report_key(access.plan.pk))
    report = ImportReport.from_dict(stored) if stored else None
    return render(
        request, "plans/transfer/import_report.html", {"plan": access.plan, "report": report}
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request, plan_id):
    """A new draft plan of the user's with this plan's answers and tables."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    form = PlanCopyForm(request.POST or None, initial={"title": copy_title(plan)})
    if request.method == "POST" and form.is_valid():
        try:
            report = copy_plan(plan=plan, user=request.user, title=form.cleaned_data["title"])
        except ImportRefused as refusal:
            form.add_error(None, [str(problem) for problem in refusal.problems])
        else:
            if report.not_placed:
                return _to_report(request, report)
            messages.success(request, f"Plan “{report.title}” created from “{plan.title}”.")
            return redirect("plans:dashboard", plan_id=report.plan_id)
    return render(
        request,
        "plans/transfer/copy.html",
        {"plan": plan, "form": form},
        status=400 if form.is_bound else 200,
    )
