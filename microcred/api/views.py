from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.plans.services import NoPublishedTemplate, create_plan, update_plan_settings

from .errors import ErrorSerializer
from .plan_access import readable_plan, writable_plan
from .refusals import error_responses, refused_data, require_unlocked
from .selectors import api_plans, organization_name, published_version
from .serializers import (
    PlanCreateSerializer,
    PlanDetailSerializer,
    PlanFiltersSerializer,
    PlanSerializer,
    PlanSettingsSerializer,
)


def plan_detail_url(request, plan_id: int) -> str:
    return request.build_absolute_uri(reverse("api:plan_detail", kwargs={"pk": plan_id}))


UNKNOWN_ORGANIZATION = (
    "No organization has this name or slug. Name one you plan for (its slug is in each "
    "plan's `organization`); a new organization is started from the site's New plan page."
)


def known_organization(named: str) -> str:
    name = organization_name(named)
    if name is None:
        raise refused_data(ValidationError(UNKNOWN_ORGANIZATION), field="organization")
    return name


class PlanList(generics.ListCreateAPIView):
    """The plans the user may see; archived ones only with `status=archived`."""

    serializer_class = PlanSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        # A plain dict: as a QueryDict, DRF would take a blank value for no value.
        filters = PlanFiltersSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return api_plans(user=self.request.user, filters=filters.to_filters())

    @extend_schema(
        parameters=[PlanFiltersSerializer],
        responses={
            200: PlanSerializer(many=True),
            **error_responses(400, 401),
            404: OpenApiResponse(ErrorSerializer, description="A page past the last."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=PlanCreateSerializer,
        responses={201: PlanDetailSerializer, **error_responses(400, 401, 403)},
        description="A new draft plan that you own (as the New plan page makes one). The "
        "answer's `Location` is the new plan's address.",
    )
    def post(self, request, *args, **kwargs):
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "template_version" in fields:
            number = fields.pop("template_version")
            fields["template_version"] = published_version(number)
            if fields["template_version"] is None:
                raise refused_data(
                    ValidationError(
                        {"template_version": f"Template version {number} is not published."}
                    )
                )
        fields["organization"] = known_organization(fields["organization"])
        try:
            plan = create_plan(user=request.user, **fields)
        except NoPublishedTemplate as error:
            raise refused_data(ValidationError(str(error)), field="template_version") from None
        except ValidationError as error:
            raise refused_data(error) from None
        created = readable_plan(request, plan.pk).plan
        url = plan_detail_url(request, plan.pk)
        return Response(
            PlanDetailSerializer(created).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": url},
        )


class PlanDetail(generics.RetrieveAPIView):
    """A plan's metadata, the viewer's role, and each phase's progress and readiness; 404
    for a plan the user may not see, as on the site."""

    serializer_class = PlanDetailSerializer
    parser_classes = [JSONParser]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return readable_plan(self.request, self.kwargs["pk"]).plan

    @extend_schema(responses={200: PlanDetailSerializer, **error_responses(401, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=PlanSettingsSerializer,
        responses={200: PlanDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
        description="Change the plan's settings, as its Settings page does (its owner and "
        "editors): only the fields sent change. The currency cannot change while rows hold "
        "amounts in another one.",
    )
    def patch(self, request, pk: int):
        access = writable_plan(request, pk)
        data = PlanSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_unlocked(access)
        changes = data.settings_for(access.plan)
        if "organization" in data.validated_data:
            changes["organization"] = known_organization(changes["organization"])
        try:
            update_plan_settings(plan=access.plan, user=request.user, **changes)
        except ValidationError as error:
            raise refused_data(error) from None
        return Response(PlanDetailSerializer(readable_plan(request, pk).plan).data)


class UnknownEndpoint(APIView):
    """Any other address under /api/v1/: a 404 in the API's error shape, not the site's
    HTML page."""

    authentication_classes: list = []
    permission_classes: list = []
    schema = None  # not an endpoint to describe

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No such endpoint.")

    get = post = put = patch = delete = http_method_not_allowed
