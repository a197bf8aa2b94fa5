from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from microcred.plans.models import Plan
from microcred.questionnaires.kinds import CURRENCIES, LONG_TEXT_MAX
from microcred.questionnaires.typed_text import validate_plain_text, validate_single_line

from .selectors import DEFAULT_ORDERING, ORDERINGS, PlanFilters, phase_summaries
from .strict import INTEGER_MAX, StrictSerializer

TITLE_MAX = Plan._meta.get_field("title").max_length
ORGANIZATION_MAX = 200


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
    template_version = serializers.IntegerField(
        required=False,
        default=None,
        min_value=1,
        max_value=INTEGER_MAX,
        help_text="A template version's number: the plans pinned to it.",
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
    discount_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    phases = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "summary", "discount_rate", "phases"]

    @extend_schema_field(PhaseSummarySerializer(many=True))
    def get_phases(self, plan):
        return PhaseSummarySerializer(phase_summaries(plan), many=True).data


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^(100(\.00?)?|\d{1,2}(\.\d{1,2})?)$",
        "example": "8.00",
    }
)
class PercentField(serializers.DecimalField):
    """A percentage from 0 to 100 with at most two decimals, as a string ("8.00"); the
    bounds are the service's to check, with the page's words."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=5, decimal_places=2, **kwargs)


class PlanWriteSerializer(StrictSerializer):
    """A plan's own fields, as the new plan and settings pages take them; the services
    (plans.services) check them further, with the pages' messages."""

    title = serializers.CharField(max_length=TITLE_MAX, help_text="The microcredential's title.")
    organization = serializers.CharField(
        max_length=ORGANIZATION_MAX,
        help_text="The organization offering it, by slug or by name: one you plan for, or "
        "the name of a new one (of which you become the admin).",
    )
    summary = serializers.CharField(
        required=False, allow_blank=True, max_length=LONG_TEXT_MAX, trim_whitespace=False
    )
    currency = serializers.ChoiceField(
        choices=CURRENCIES,
        required=False,
        help_text="The currency of every amount in the plan's tables; a new plan's is its "
        "organization's default when left out.",
    )
    discount_rate = PercentField(
        required=False,
        help_text='A yearly percentage (0 to 100), as a string such as "8.00".',
    )

    # Beside their fields, as the pages' form says them (plans.forms.PlanForm).
    def validate_title(self, title: str) -> str:
        validate_single_line(title, label="title")
        return title

    def validate_organization(self, organization: str) -> str:
        validate_single_line(organization, label="organization")
        return organization

    def validate_summary(self, summary: str) -> str:
        validate_plain_text(summary, label="summary")
        return summary


class PlanCreateSerializer(PlanWriteSerializer):
    template_version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=INTEGER_MAX,
        help_text="The number of a published template version; the latest when left out.",
    )


class PlanSettingsSerializer(PlanWriteSerializer):
    """Only the fields sent change (PATCH)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)

    def settings_for(self, plan: Plan) -> dict:
        """Every setting plans.services.update_plan_settings takes: those sent, the
        plan's own for the others."""
        return {
            "title": plan.title,
            "organization": plan.organization.name,
            "summary": plan.summary,
            "currency": plan.currency,
            "discount_rate": Decimal(plan.discount_rate),
            **self.validated_data,
        }
