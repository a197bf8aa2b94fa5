from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from microcred.plans.models import Plan
from microcred.plans.permissions import plan_access_or_404

from .selectors import api_plans
from .serializers import PlanDetailSerializer, PlanFiltersSerializer, PlanSerializer


@extend_schema(parameters=[PlanFiltersSerializer])
class PlanList(generics.ListAPIView):
    """The plans the user may see; archived ones only with `status=archived`."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        # A plain dict: as a QueryDict, DRF would take a blank value for no value.
        filters = PlanFiltersSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return api_plans(user=self.request.user, filters=filters.to_filters())


class PlanDetail(generics.RetrieveAPIView):
    """A plan's metadata, the viewer's role, and each phase's progress and readiness; 404
    for a plan the user may not see, as on the site."""

    serializer_class = PlanDetailSerializer
    queryset = Plan.objects.select_related("template_version")

    def get_object(self):
        return plan_access_or_404(
            self.request.user, self.kwargs["pk"], queryset=self.get_queryset()
        ).plan


class UnknownEndpoint(APIView):
    """Any other address under /api/v1/: a 404 in the API's error shape, not the site's
    HTML page."""

    authentication_classes: list = []
    permission_classes: list = []
    schema = None  # not an endpoint to describe

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No such endpoint.")

    get = post = put = patch = delete = http_method_not_allowed
