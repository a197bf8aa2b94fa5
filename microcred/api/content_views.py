"""A plan's full content through the API: the plan file (format version 1) that "Download
as JSON" gives, made by the same function (transfer.plan_json.plan_document), with the
download's options as query parameters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.plans.models import Plan
from microcred.questionnaires.defaults import phase_apps
from microcred.reports.options import ExportOptions
from microcred.site_url.address import site_url
from microcred.transfer.plan_json import options_from_block, plan_document

from .content_schema import PlanFileSerializer
from .plan_access import readable_plan
from .refusals import error_responses


class ContentOptionsSerializer(serializers.Serializer):
    """The download's options (transfer.forms.JsonOptionsForm), by the same names: what
    the document holds beyond the answers and tables of every phase."""

    comments = serializers.BooleanField(required=False, default=False)
    unanswered = serializers.BooleanField(required=False, default=False)
    archived = serializers.BooleanField(required=False, default=False)
    phases = serializers.MultipleChoiceField(choices=[], required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        phases = self.fields["phases"]
        phases.choices = list(plan.template_version.phases.values_list("slug", "slug"))

    def to_options(self) -> ExportOptions:
        return options_from_block({"phases": (), **self.validated_data})


OPTIONS = [
    OpenApiParameter(
        "comments",
        OpenApiTypes.BOOL,
        description="Include the review rounds and every comment thread.",
    ),
    OpenApiParameter(
        "unanswered",
        OpenApiTypes.BOOL,
        description="List unanswered questions too, with a null value (and empty tables).",
    ),
    OpenApiParameter(
        "archived",
        OpenApiTypes.BOOL,
        description="Include answers kept from an earlier template version.",
    ),
    OpenApiParameter(
        "phases",
        # Phases are bound to their phase apps: the same slugs in every version.
        {"type": "array", "items": {"type": "string", "enum": [app.slug for app in phase_apps()]}},
        explode=True,
        description="A phase's slug, repeated for several (`phases=planning&phases=design`): "
        "only those phases. Left out: every phase.",
    ),
]


class PlanContent(APIView):
    """The plan's full content in the shape of its JSON file (format version 1)."""

    @extend_schema(
        parameters=OPTIONS,
        responses={
            200: OpenApiResponse(
                PlanFileSerializer,
                description="The plan file, as described by /schemas/plan-v1.json.",
            ),
            **error_responses(400, 401, 404),
        },
        description="Everything the plan holds, as `Download as JSON` gives it: its "
        "metadata, the template version's questions, its answers, its tables' rows and, "
        "when asked for, its review rounds and comments. Readers of the plan.",
    )
    def get(self, request, pk: int):
        plan = readable_plan(request, pk).plan
        options = ContentOptionsSerializer(data=request.query_params, plan=plan)
        options.is_valid(raise_exception=True)
        return Response(
            plan_document(plan=plan, options=options.to_options(), site_url=site_url(request))
        )
