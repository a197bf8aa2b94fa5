"""Moving plans: a plan's JSON file, importing one as a new plan, a new plan from an
earlier one, the JSON Schema of the files; and CSV downloads across the plans a person may
see, streamed a batch of plans at a time (see csv_export.py)."""

import json
from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from microcred.organizations.selectors import planning_organizations
from microcred.plans.models import Plan
from microcred.plans.permissions import plan_access_or_404
from microcred.records.registry import record_type_named
from microcred.reports.options import export_options_of
from microcred.site_url.address import site_url
from microcred.work.uploads import SizeLimitedUpload

from .copies import copy_plan, copy_title
from .csv_export import (
    ANSWER_HEADER,
    answer_rows_by_plan,
    answers_filename,
    csv_chunks,
    record_rows_by_plan,
    record_type_filename,
    record_type_header,
)
from .file_checks import read_plan_file
from .forms import JsonOptionsForm, PlanCopyForm, PlanImportForm
from .import_report import ImportReport
from .imports import import_plan
from .plan_json import SCHEMA_FILE, options_block, plan_document, plan_json_filename
from .problems import ImportRefused

SCHEMA_CACHE_SECONDS = 24 * 3600


def _plans_with_version():
    return Plan.objects.select_related("template_version")


def json_options_initial(plan) -> dict:
    """The JSON file's options start as the plan's remembered export options, which the
    PDF and Word exports use too; remembered options without a phase (which their form
    refuses) start as every phase, as no phase ticked is."""
    options = export_options_of(plan)
    return options_block(replace(options, phase_slugs=options.phase_slugs or None))


@login_required
def plan_json_options(request, plan_id):
    """What to put in the plan's JSON file, chosen before downloading it."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    form = JsonOptionsForm(plan=plan, initial=json_options_initial(plan))
    return render(request, "transfer/json_options.html", {"plan": plan, "form": form})


@login_required
@require_GET
def plan_json_download(request, plan_id):
    """The plan as a JSON file (format version 1), with the options in the query."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    form = JsonOptionsForm(request.GET, plan=plan)
    if not form.is_valid():
        reasons = "; ".join(
            f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
        )
        return HttpResponseBadRequest(f"These export options are not valid: {reasons}")
    document = plan_document(plan=plan, options=form.options(), site_url=site_url(request))
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
                upload = form.cleaned_data["file"]
                report = import_plan(
                    document=read_plan_file(upload),
                    user=request.user,
                    file_name=upload.name,
                    organization=form.cleaned_data["organization"],
                )
            except ImportRefused as refusal:
                form.add_error("file", [str(problem) for problem in refusal.problems])
            else:
                return _to_report(request, report)
    return render(
        request,
        "transfer/import.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _report_key(plan_id: int) -> str:
    return f"plan-import-report-{plan_id}"


def _to_report(request, report: ImportReport):
    # The report lives in the session: it is for the person who imported, right after.
    request.session[_report_key(report.plan_id)] = report.as_dict()
    return redirect("transfer:import_report", plan_id=report.plan_id)


@login_required
def plan_import_report(request, plan_id):
    """What an import or a copy placed in the new plan, and what it could not place."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    stored = request.session.get(_report_key(access.plan.pk))
    report = ImportReport.from_dict(stored) if stored else None
    return render(request, "transfer/import_report.html", {"plan": access.plan, "report": report})


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request, plan_id):
    """A new draft plan of the user's with this plan's answers and tables."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    planning = list(planning_organizations(request.user).values_list("name", flat=True))
    organization = plan.organization.name
    if organization not in planning and planning:
        organization = planning[0]
    form = PlanCopyForm(
        request.POST or None,
        initial={"title": copy_title(plan), "organization": organization},
        organizations=planning,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = copy_plan(plan=plan, user=request.user, **form.cleaned_data)
        except ImportRefused as refusal:
            form.add_error(None, [str(problem) for problem in refusal.problems])
        else:
            if report.not_placed:
                return _to_report(request, report)
            messages.success(request, f"Plan “{report.title}” created from “{plan.title}”.")
            return redirect("plans:dashboard", plan_id=report.plan_id)
    return render(
        request,
        "transfer/copy.html",
        {"plan": plan, "form": form},
        status=400 if form.is_bound else 200,
    )


def _csv_response(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def answers_csv(request):
    chunks = csv_chunks(ANSWER_HEADER, answer_rows_by_plan(user=request.user))
    return _csv_response(chunks, answers_filename(timezone.localdate()))


@login_required
@require_GET
def record_type_csv(request, record_type):
    found = record_type_named(record_type)
    if found is None:
        raise Http404("No such record type.")
    chunks = csv_chunks(
        record_type_header(found), record_rows_by_plan(user=request.user, record_type=found)
    )
    return _csv_response(chunks, record_type_filename(found, timezone.localdate()))
