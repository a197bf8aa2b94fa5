"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

from microcred.records.cells import Column
from microcred.records.types import Figure, RecordType

from .forms import PlatformForm
from .models import Platform


def integration_figures(platforms: list[Platform]) -> list[Figure]:
    """How many integrations (one platform to another) are planned, built and tested."""
    figures = []
    for status in Platform.IntegrationStatus:
        count = sum(
            len(platform.integrates_with.all())
            for platform in platforms
            if platform.integration_status == status
        )
        if count:
            figures.append(Figure(label=f"Integrations {status.label.lower()}", value=str(count)))
    return figures


def role_text(platform: Platform) -> str:
    return platform.role_text


# The arg-type errors ignored below: RecordType and Column take functions of any
# PlanRecord, not of their own model's rows (records.types is not generic in the model).
RECORD_TYPES: list[RecordType] = [
    RecordType(
        name="delivery.platforms",
        label="Platforms",
        model=Platform,
        form=PlatformForm,
        columns=[
            "product",
            "vendor",
            Column(heading="Role", value=role_text),
            "integrates_with",
            "integration_status",
        ],
        empty_text=(
            "Add each system candidates pass through, from registration to the badge, "
            "so that the integrations between them can be planned and tested."
        ),
        row_name="platform",
        figures=integration_figures,
        summary_template="delivery/records/_integration_matrix.html",
    ),
]
