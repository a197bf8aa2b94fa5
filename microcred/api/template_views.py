"""The question templates through the API: the versions plans can be on, for anyone signed
in (drafts stay with the template admins, in the Django admin)."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from microcred.questionnaires.selectors import released_version_outline, released_versions

from .errors import NOT_AUTHENTICATED, ErrorSerializer
from .template_serializers import TemplateDetailSerializer, TemplateVersionSerializer


@extend_schema(tags=["templates"])
class TemplateList(generics.ListAPIView):
    serializer_class = TemplateVersionSerializer

    @extend_schema(
        summary="The template versions",
        description="The published version (the one new plans start on) and the retired "
        "ones that older plans may still be on, newest first. Drafts are not listed.",
        responses={
            200: TemplateVersionSerializer(many=True),
            401: NOT_AUTHENTICATED,
            404: OpenApiResponse(ErrorSerializer, description="A page past the last."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return released_versions()


@extend_schema(tags=["templates"])
class TemplateDetail(generics.GenericAPIView):
    serializer_class = TemplateDetailSerializer

    @extend_schema(
        summary="One template version",
        description="A published or retired version with its phases in order, each with its "
        "questions in reading order (sub-questions after their parent), numbered as the "
        "pages number them.",
        parameters=[
            OpenApiParameter(
                "number", int, OpenApiParameter.PATH, description="The version's number."
            )
        ],
        responses={
            200: TemplateDetailSerializer,
            401: NOT_AUTHENTICATED,
            404: OpenApiResponse(ErrorSerializer, description="No such version, or a draft."),
        },
    )
    def get(self, request, *args, **kwargs):
        outline = released_version_outline(self.kwargs["number"])
        if outline is None:
            raise NotFound("No such template version.")
        return Response(self.get_serializer(outline).data)
