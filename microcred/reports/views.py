from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from microcred.plans.models import Plan
from microcred.plans.permissions import plan_access_or_404

from .models import ReportExport
from .selectors import busy_notice, export_panel_context, exports_of
from .services import render_plan_html, request_export

ALREADY_IN_FLIGHT = "Your PDF is already being prepared."


def _plan_or_404(request, plan_id):
    return plan_access_or_404(
        request.user, plan_id, queryset=Plan.objects.select_related("template_version")
    ).plan


@login_required
def export_list(request, plan_id):
    plan = _plan_or_404(request, plan_id)
    exports = exports_of(plan)
    return render(
        request,
        "reports/export_list.html",
        {"plan": plan, "exports": exports, "busy_notice": busy_notice(exports)},
    )


@login_required
def export_panel(request, plan_id):
    """The dashboard's export panel; htmx polls it while an export is pending."""
    plan = _plan_or_404(request, plan_id)
    return render(request, "reports/_export_panel.html", export_panel_context(plan))


@login_required
@require_POST
def export_create(request, plan_id):
    plan = _plan_or_404(request, plan_id)
    export, created = request_export(plan=plan, user=request.user)
    notice = "" if created else ALREADY_IN_FLIGHT
    if request.htmx:
        return render(
            request, "reports/_export_panel.html", {**export_panel_context(plan), "notice": notice}
        )
    if notice:
        messages.info(request, notice)
    elif not export.awaiting_dispatch:
        messages.info(request, "The PDF is being prepared; it will appear in the list below.")
    # Otherwise the export panel says that the report service is busy.
    return redirect(plan)


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
        handle, as_attachment=True, filename=export.filename, content_type="application/pdf"
    )


@login_required
def report_preview(request, plan_id):
    plan = _plan_or_404(request, plan_id)
    return HttpResponse(render_plan_html(plan=plan, preview=True))
