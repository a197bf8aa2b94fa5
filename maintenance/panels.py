"""This phase's panels: figures computed from the plan's records (see plans/panels.py)."""

from django.conf import settings

from microcred.plans.panels import Panel

from .apps import MaintenanceConfig
from .forms import UPLOAD_FORM_ID, PsychometricUploadForm, megabytes
from .selectors import latest_analysis, reviews_context

PSYCHOMETRICS_QUESTION = "psychometrics_approach"


def psychometrics_panel(plan, *, access=None) -> dict | None:
    """On the page: the upload form for those who may edit answers, the latest analysis
    and the recent reviews. In the PDF: the latest analysis, when there is one."""
    if access is None:
        analysis = latest_analysis(plan)
        return {"analysis": analysis} if analysis else None
    context = reviews_context(plan, access=access)
    if context["can_upload"]:
        context.update(
            form=PsychometricUploadForm(),
            upload_form_id=UPLOAD_FORM_ID,
            max_upload=megabytes(settings.PSYCHOMETRICS_MAX_UPLOAD_BYTES),
        )
    return context


PSYCHOMETRICS_PANEL = Panel(
    name="maintenance.psychometrics",
    phase_slug=MaintenanceConfig.phase_slug,
    after_question=PSYCHOMETRICS_QUESTION,
    page_template="maintenance/panels/psychometrics.html",
    pdf_template="maintenance/panels/psychometrics_pdf.html",
    forms_template="maintenance/panels/psychometrics_forms.html",
    build=psychometrics_panel,
)

PANELS = [PSYCHOMETRICS_PANEL]
