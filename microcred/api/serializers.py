from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from microcred.plans.models import Plan

from .selectors import DEFAULT_ORDERING, ORDERINGS, PlanFilters, phase_summaries


class PlanFiltersSerializer(serializers.Serializer):
    """The plan list's query parameters; a value that is not one of the choices is a 400."""

    search = serializers.CharField(required=False, default="", allow_blank=True)
    # Blank (`?status=`) is no filter, as a form sends an empty choice.
    status = serializers.ChoiceField(
        choices=Plan.Status.choices, required=False, default="", allow_blank=True
    )
    organization = serializers.SlugField(
        required=False, default="", allow_blank=True, help_text="An organization's slug."
    )
    updated_since = serializers.DateTimeField(required=False, default=None)
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default=DEFAULT_ORDERING)

    def validate_ordering(self, value):
        return value or DEFAULT_ORDERING

    def to_filters(self) -> PlanFilters:
        return PlanFilters(**self.validated_data)


class OrganizationSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class PlanSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer()
    template_version = serializers.IntegerField(source="template_version.number")
    viewer_role = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "organization",
            "status",
            "currency",
            "template_version",
            "created_at",
            "updated_at",
            "viewer_role",
        ]

    def get_viewer_role(self, plan) -> str | None:
        if plan.viewer_role:
            return plan.viewer_role
        organization_role = getattr(plan, "viewer_organization_role", None)
        return f"organization_{organization_role}" if organization_role else None


class PhaseSummarySerializer(serializers.Serializer):
    title = serializers.CharField()
    slug = serializers.SlugField()
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    ready = serializers.BooleanField()
    problem_count = serializers.IntegerField()


class PlanDetailSerializer(PlanSerializer):
    phases = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "phases"]

    @extend_schema_field(PhaseSummarySerializer(many=True))
    def get_phases(self, plan):
        return PhaseSummarySerializer(phase_summaries(plan), many=True).data
