"""The API's exports: a request for a PDF or Word document of a plan, with the options the
export page offers, and an export as the API shows it."""

from collections.abc import Mapping
from functools import partial
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from microcred.plans.models import Plan
from microcred.plans.services import display_name
from microcred.questionnaires.defaults import phase_apps
from microcred.reports.forms import ExportOptionsForm
from microcred.reports.models import PageSize, ReportExport
from microcred.reports.options import DEFAULT_OPTIONS, ExportOptions, export_options_of, paper_of

from .strict import StrictSerializer

# The export page's words for a format it does not make (reports.views.UNKNOWN_FORMAT).
UNKNOWN_FORMAT = "Unknown export format: choose PDF or Word."


class ExportOptionsChoiceSerializer(StrictSerializer):
    """The options of the export page's form; each one left out keeps the plan's saved
    value."""

    # Phases are bound to their phase apps, so their slugs are the same in every version.
    phases = serializers.ListField(
        child=serializers.ChoiceField(choices=[app.slug for app in phase_apps()]),
        required=False,
        min_length=1,
        max_length=100,
        error_messages={"min_length": "Choose at least one phase to export."},
        help_text="The slugs of the phases to include (at least one).",
    )
    include_unanswered = serializers.BooleanField(required=False)
    include_appendix = serializers.BooleanField(
        required=False, help_text="The appendix of review rounds and comments."
    )
    include_archived = serializers.BooleanField(
        required=False, help_text="Answers kept from earlier template versions."
    )
    page_size = serializers.ChoiceField(choices=PageSize.choices, required=False)


class ExportRequestSerializer(StrictSerializer):
    format = serializers.ChoiceField(
        choices=ReportExport.Format.choices,
        default=ReportExport.Format.PDF,
        error_messages={"invalid_choice": UNKNOWN_FORMAT},
        help_text="`pdf` or `docx` (Word). A plan's JSON is no export: GET the plan's content.",
    )
    options = ExportOptionsChoiceSerializer(
        required=False,
        help_text="Options for this export; left out, the plan's saved options.",
    )
    save_options = serializers.BooleanField(
        default=False,
        help_text="Also save the options as the plan's, for every later export (the plan's "
        "owner and editors only), as the export page does for them.",
    )


def chosen_export_options(plan: Plan, chosen: Mapping[str, Any]) -> ExportOptions:
    """The options of an export whose request chose `chosen` (checked by
    ExportOptionsChoiceSerializer): the plan's saved options with those in their place,
    checked by the export page's form, whose messages a refusal (ValidationError) gives."""
    options_form = partial(
        ExportOptionsForm,
        phases=list(plan.template_version.phases.order_by("order")),
        options=export_options_of(plan),
        automatic_paper=paper_of(plan=plan, options=DEFAULT_OPTIONS),
    )
    form = options_form({**options_form().initial, **chosen})
    if not form.is_valid():
        raise serializers.ValidationError({"options": form.errors})
    return form.export_options()


class ExportOptionsSerializer(serializers.Serializer):
    phases = serializers.ListField(
        child=serializers.SlugField(),
        allow_null=True,
        help_text="The slugs of the phases included; null: every phase.",
    )
    include_unanswered = serializers.BooleanField()
    include_appendix = serializers.BooleanField()
    include_archived = serializers.BooleanField()
    page_size = serializers.ChoiceField(choices=PageSize.choices)


class ExportSerializer(serializers.ModelSerializer):
    """An export; its context names the plan's `phases` (reports.selectors.PlanPhases),
    which describe its options in words."""

    url = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()
    options_text = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    awaiting_dispatch = serializers.BooleanField(
        help_text="Queued, but not handed to the workers yet (the report service is busy)."
    )
    is_current = serializers.BooleanField(
        help_text="Done, and made from the plan as it is now (no change since)."
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportExport
        fields = [
            "id",
            "url",
            "format",
            "status",
            "options",
            "options_text",
            "requested_by",
            "requested_at",
            "awaiting_dispatch",
            "started_at",
            "finished_at",
            "error",
            "page_count",
            "size_bytes",
            "filename",
            "plan_status",
            "is_current",
            "download_url",
        ]
        extra_kwargs = {
            "error": {"help_text": "Why a failed export failed; empty otherwise."},
            "page_count": {"help_text": "The PDF's pages; null for a Word document."},
            "filename": {"help_text": "The file's name, once done."},
            "plan_status": {
                "help_text": "The plan's status when the file was made (its cover prints it)."
            },
        }

    def _reverse(self, name: str, export: ReportExport) -> str:
        return reverse(
            f"api:{name}",
            kwargs={"pk": export.plan_id, "export_id": export.pk},
            request=self.context.get("request"),
        )

    def get_url(self, export: ReportExport) -> str:
        return self._reverse("export_detail", export)

    @extend_schema_field(ExportOptionsSerializer)
    def get_options(self, export: ReportExport) -> dict:
        return ExportOptions.from_json(export.options).as_json()

    def get_options_text(self, export: ReportExport) -> str:
        """What the export left out, in words ("" for everything)."""
        return self.context["phases"].describe(ExportOptions.from_json(export.options))

    def get_requested_by(self, export: ReportExport) -> str | None:
        return display_name(export.requested_by) if export.requested_by else None

    def get_download_url(self, export: ReportExport) -> str | None:
        """The file's address, once done."""
        if export.status != ReportExport.Status.DONE:
            return None
        return self._reverse("export_file", export)
