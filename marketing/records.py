"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

from decimal import Decimal

from microcred.questionnaires.kinds import money_text
from microcred.records.cells import Column
from microcred.records.types import Figure, RecordType, amounts_by_currency

from .forms import AudienceSegmentForm, ChannelForm, SuccessMetricForm
from .models import AudienceSegment, Channel, SuccessMetric


def segment_figures(rows: list[AudienceSegment]) -> list[Figure]:
    """The estimated size of each type of segment: people and organizations are never
    added together."""
    sizes: dict[str, int] = {}
    for row in rows:
        if row.estimated_size is not None:
            label = row.get_kind_display()
            sizes[label] = sizes.get(label, 0) + row.estimated_size
    return [
        Figure(label=f"Estimated size, {label.lower()} segments", value=f"{size:,}")
        for label, size in sizes.items()
    ]


def channel_figures(rows: list[Channel]) -> list[Figure]:
    return [
        Figure(
            label=f"Total budget in {currency}",
            value=money_text(sum(amounts, Decimal(0)), currency),
        )
        for currency, amounts in amounts_by_currency(rows, field="budget").items()
    ]


def target_text(metric: SuccessMetric) -> str:
    return metric.target_text


# The arg-type errors ignored below: RecordType and Column take functions of any
# PlanRecord, not of their own model's rows (records.types is not generic in the model).
AUDIENCE_SEGMENTS = RecordType(
    name="marketing.audience_segments",
    label="Audience segments",
    model=AudienceSegment,
    form=AudienceSegmentForm,
    columns=["name", "reach", "kind", "estimated_size"],
    empty_text="Add each group you will market to, so that every channel can name whom it reaches.",
    row_name="audience segment",
    figures=segment_figures,
)

CHANNELS = RecordType(
    name="marketing.channels",
    label="Channels",
    model=Channel,
    form=ChannelForm,
    columns=["name", "segment", Column(field="budget", currency="currency"), "starts_on"],
    empty_text="Add each channel you will use, the segment it reaches and its budget, so "
    "that spending can be planned and compared.",
    row_name="channel",
    figures=channel_figures,
)

SUCCESS_METRICS = RecordType(
    name="marketing.success_metrics",
    label="Success metrics",
    model=SuccessMetric,
    form=SuccessMetricForm,
    columns=[
        "name",
        Column(heading="Target", value=target_text, numeric=True),
        "frequency",
    ],
    empty_text="Add each number that will tell you marketing is working, with its target "
    "and how often you will measure it.",
    row_name="success metric",
)

RECORD_TYPES: list[RecordType] = [AUDIENCE_SEGMENTS, CHANNELS, SUCCESS_METRICS]
