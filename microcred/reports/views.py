from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from microcred.plans.models import Plan
from microcred.plans.permissions import PlanAccess, plan_access_or_404

from .forms import ExportOptionsForm
from .models import DOCUMENT_NAMES, ReportExport
from .options import DEFAULT_OPTIONS, export_options_of, options_of_settings, paper_of
from .rendering import CONTENT_TYPES, render_plan_html
from .selectors import export_page_context, export_panel_context, saved_export_settings
from .services import ONLY_WRITERS_SAVE_OPTIONS, request_export, save_export_options

OPTIONS_SAVED = "Export options saved: every export of this plan is made with them."
UNKNOWN_FORMAT = "Unknown export format: choose PDF or Word."


def _access_or_404(request, plan_id) -> PlanAccess:
    return plan_access_or_404(
        request.user, plan_id, queryset=Plan.objects.select_related("template_version")
    )


def _plan_or_404(request, plan_id):
    return _access_or_404(request, plan_id).plan


def _options_form(plan, saved, data=None) -> ExportOptionsForm:
    return ExportOptionsForm(
        data,
        phases=list(plan.template_version.phases.order_by("order")),
        options=options_of_settings(saved),
        automatic_paper=paper_of(plan=plan, options=DEFAULT_OPTIONS),
    )


def _export_page(request, access: PlanAccess, *, saved, form, status=200):
    return render(
        request,
        "reports/export_list.html",
        export_page_context(
            access.plan, form=form, saved=saved, can_change_options=access.is_writer
        ),
        status=status,
    )


def _posted_options_form(request, access: PlanAccess):
    """The export page's options form as posted, and the page with its errors (a 400)
    when it is not valid (or None)."""
    saved = saved_export_settings(access.plan)
    form = _options_form(access.plan, saved, request.POST)
    if form.is_valid():
        return form, None
    return form, _export_page(request, access, saved=saved, form=form, status=400)


@login_required
def export_list(request, plan_id):
    """The export page: the plan's options (which its writers change), the export buttons
    and every export."""
    access = _access_or_404(request, plan_id)
    saved = saved_export_settings(access.plan)
    return _export_page(request, access, saved=saved, form=_options_form(access.plan, saved))


@login_required
@require_POST
def export_options(request, plan_id):
    access = _access_or_404(request, plan_id)
    access.require(access.is_writer, ONLY_WRITERS_SAVE_OPTIONS)
    plan = access.plan
    form, refusal = _posted_options_form(request, access)
    if refusal:
        return refusal
    save_export_options(plan=plan, options=form.export_options(), user=request.user)
    messages.success(request, OPTIONS_SAVED)
    return redirect("reports:list", plan_id=plan.pk)


@login_required
def export_panel(request, plan_id):
    """The dashboard's export panel; htmx polls it while an export is pending."""
    plan = _plan_or_404(request, plan_id)
    return render(request, "reports/_export_panel.html", export_panel_context(plan))


@login_required
@require_POST
def export_create(request, plan_id):
    """Queue an export in the posted format. From the export page (`with_options`), with
    the options ticked there: a writer's are saved first as the plan's, anyone else's are
    for this export only; from elsewhere, the saved ones are used."""
    access = _access_or_404(request, plan_id)
    plan = access.plan
    export_format = request.POST.get("format", ReportExport.Format.PDF)
    if export_format not in ReportExport.Format.values:
        return HttpResponseBadRequest(UNKNOWN_FORMAT)
    from_export_page = "with_options" in request.POST
    options = None
    if from_export_page:
        form, refusal = _posted_options_form(request, access)
        if refusal:
            return refusal
        options = form.export_options()
        if access.is_writer:
            save_export_options(plan=plan, options=options, user=request.user)
    export, created = request_export(
        plan=plan, user=request.user, export_format=export_format, options=options
    )
    document = DOCUMENT_NAMES[export_format]
    notice = "" if created else f"Your {document} is already being prepared."
    if request.htmx:
        return render(
            request, "reports/_export_panel.html", {**export_panel_context(plan), "notice": notice}
        )
    if notice:
        messages.info(request, notice)
    elif not export.awaiting_dispatch:
        messages.info(
            request, f"The {document} is being prepared; it will appear in the list below."
        )
    # Otherwise the export list says that the report service is busy.
    back_to_exports = from_export_page or request.POST.get("return_to") == "exports"
    return redirect("reports:list", plan_id=plan.pk) if back_to_exports else redirect(plan)


@login_required
def export_download(request, plan_id, export_id):
    plan = _plan_or_404(request, plan_id)
    export = get_object_or_404(ReportExport, plan=plan, pk=export_id)
    if export.status != ReportExport.Status.DONE:
        raise Http404("This export has no file (yet).")
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this export is missing from storage.") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.format],
    )


@login_required
def report_preview(request, plan_id):
    plan = _plan_or_404(request, plan_id)
    return HttpResponse(render_plan_html(plan=plan, preview=True, options=export_options_of(plan)))
