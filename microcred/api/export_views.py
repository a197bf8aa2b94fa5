"""A plan's PDF and Word exports through the API: requested as on the export page, rendered
by the workers, then downloaded through the same authenticated path as the page's."""

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from microcred.plans.models import Plan
from microcred.plans.permissions import PlanAccess, plan_access_or_404
from microcred.reports.models import ReportExport
from microcred.reports.rendering import CONTENT_TYPES
from microcred.reports.selectors import PlanPhases
from microcred.reports.services import (
    ONLY_WRITERS_SAVE_OPTIONS,
    request_export,
    save_export_options,
)

from .errors import NOT_AUTHENTICATED, ErrorSerializer, InvalidDataSerializer
from .export_serializers import ExportRequestSerializer, ExportSerializer, chosen_export_options

# The export page's words for a file missing (reports.views.export_download).
FILE_MISSING = "The file of this export is missing from storage."

PLAN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The plan's id.")
EXPORT_ID = OpenApiParameter(
    "export_id", int, OpenApiParameter.PATH, description="The export's id (of this plan)."
)
NO_SUCH_PLAN = OpenApiResponse(ErrorSerializer, description="No such plan, or one you may not see.")
NO_SUCH_EXPORT = OpenApiResponse(
    ErrorSerializer,
    description="No such plan or export (or a plan you may not see), or the file is missing "
    "from storage.",
)


class NotDone(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This export has no file yet."
    default_code = "not_done"


class PlanExportsView(generics.GenericAPIView):
    serializer_class = ExportSerializer

    def get_access(self) -> PlanAccess:
        """The user's access to the plan in the path; 404 if they may not see it."""
        return plan_access_or_404(
            self.request.user,
            self.kwargs["pk"],
            queryset=Plan.objects.select_related("template_version"),
        )

    def exports(self, plan: Plan) -> QuerySet[ReportExport]:
        # Through the plan's manager, each export knows its plan without a query.
        return plan.exports.select_related("requested_by")

    def serializer_for(self, plan: Plan, exports, **kwargs) -> ExportSerializer:
        context = {**self.get_serializer_context(), "phases": PlanPhases(plan)}
        return ExportSerializer(exports, context=context, **kwargs)


@extend_schema(parameters=[PLAN_ID], tags=["exports"])
class PlanExportList(PlanExportsView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary="The plan's exports",
        description="The plan's PDF and Word exports, newest first, for anyone who may see "
        "the plan.",
        responses={
            200: ExportSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer, description="No such plan, one you may not see, or no such page."
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        plan = self.get_access().plan
        page = self.paginate_queryset(self.exports(plan))
        return self.get_paginated_response(self.serializer_for(plan, page, many=True).data)

    @extend_schema(
        summary="Request an export",
        description="Queue a PDF or Word export of the plan, as the export page does: "
        "anyone who may see the plan may. The workers render it; poll its `url` until "
        "`status` is `done` (then `download_url` gives the file) or `failed` (then `error` "
        "says why). One export in flight per person, plan and format: asking again while "
        "yours is queued or rendering answers that one, with 200.",
        request=ExportRequestSerializer,
        parameters=[
            OpenApiParameter(
                "Location",
                str,
                OpenApiParameter.HEADER,
                response=[200, 202],
                description="The export's URL, to poll.",
            )
        ],
        responses={
            202: OpenApiResponse(ExportSerializer, description="Queued; `Location` is its URL."),
            200: OpenApiResponse(
                ExportSerializer,
                description="Yours in this format is already queued or rendering: this is "
                "it (with the options it was requested with).",
            ),
            400: OpenApiResponse(
                InvalidDataSerializer, description="The body is not valid (or not JSON)."
            ),
            401: NOT_AUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="A read-only token; or `save_options` from one who is not the "
                "plan's owner or editor.",
            ),
            404: NO_SUCH_PLAN,
            415: OpenApiResponse(ErrorSerializer, description="A body that is not JSON."),
        },
    )
    def post(self, request, *args, **kwargs):
        access = self.get_access()
        plan = access.plan
        body = ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chosen = body.validated_data.get("options")
        if body.validated_data["save_options"]:
            access.require(access.is_writer, ONLY_WRITERS_SAVE_OPTIONS)
        options = None if chosen is None else chosen_export_options(plan, chosen)
        if options is not None and body.validated_data["save_options"]:
            save_export_options(plan=plan, options=options, user=request.user)
        export, created = request_export(
            plan=plan,
            user=request.user,
            export_format=body.validated_data["format"],
            options=options,
        )
        data = self.serializer_for(plan, export).data
        return Response(
            data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
            headers={"Location": data["url"]},
        )


@extend_schema(parameters=[PLAN_ID, EXPORT_ID], tags=["exports"])
class PlanExportDetail(PlanExportsView):
    def get_export(self) -> tuple[Plan, ReportExport]:
        plan = self.get_access().plan
        export = self.exports(plan).filter(pk=self.kwargs["export_id"]).first()
        if export is None:
            raise NotFound("No such export of this plan.")
        return plan, export

    @extend_schema(
        summary="One export",
        description="The export's state: `queued`, `running`, `done` (with `download_url`) "
        "or `failed` (with `error`).",
        responses={200: ExportSerializer, 401: NOT_AUTHENTICATED, 404: NO_SUCH_EXPORT},
    )
    def get(self, request, *args, **kwargs):
        plan, export = self.get_export()
        return Response(self.serializer_for(plan, export).data)


class ErrorsAsJson(BaseContentNegotiation):
    """The file's endpoint answers its errors in JSON whatever the request accepts (a
    client asking for a PDF still learns why there is none)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(parameters=[PLAN_ID, EXPORT_ID], tags=["exports"])
class PlanExportFile(PlanExportDetail):
    content_negotiation_class = ErrorsAsJson

    @extend_schema(
        summary="An export's file",
        description="The PDF or Word document, as an attachment with its file name; for "
        "anyone who may see the plan. A 409 while the export is not done (or if it failed).",
        responses={
            (200, CONTENT_TYPES[ReportExport.Format.PDF]): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF or the Word document."
            ),
            (200, CONTENT_TYPES[ReportExport.Format.DOCX]): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF or the Word document."
            ),
            (401, "application/json"): NOT_AUTHENTICATED,
            (404, "application/json"): NO_SUCH_EXPORT,
            (409, "application/json"): OpenApiResponse(
                ErrorSerializer, description="The export is queued, rendering or failed."
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        _plan, export = self.get_export()
        if export.status == ReportExport.Status.FAILED:
            raise NotDone(f"This export failed: {export.error}")
        if export.status != ReportExport.Status.DONE:
            raise NotDone(
                f"This export has no file yet: it is {export.get_status_display().lower()}."
            )
        try:
            handle = export.file.open("rb")
        except FileNotFoundError:
            raise NotFound(FILE_MISSING) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=export.filename,
            content_type=CONTENT_TYPES[export.format],
        )
