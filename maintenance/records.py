"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

from microcred.records.cells import Column
from microcred.records.types import Figure, RecordType

from .forms import ReviewCycleForm, TrackedMetricForm
from .models import ReviewCycle, TrackedMetric


def next_due_text(cycle: ReviewCycle) -> str:
    # Written as cell_text writes dates, so that the computed column reads like the others.
    return f"{cycle.next_due:%-d %B %Y}" if cycle.next_due else ""


def area_text(cycle: ReviewCycle) -> str:
    return cycle.area_text


def next_review_figures(cycles: list[ReviewCycle]) -> list[Figure]:
    """The review that comes first, when any has a due date."""
    dated = [(due, cycle) for cycle in cycles if (due := cycle.next_due) is not None]
    if not dated:
        return []
    _, first = min(dated, key=lambda due_and_cycle: due_and_cycle[0])
    return [Figure(label="Next review due", value=f"{next_due_text(first)}: {first}")]


# The arg-type errors ignored below: RecordType and Column take functions of any
# PlanRecord, not of their own model's rows (records.types is not generic in the model).
RECORD_TYPES: list[RecordType] = [
    RecordType(
        name="maintenance.review_cycles",
        label="Review cycles",
        model=ReviewCycle,
        form=ReviewCycleForm,
        columns=[
            "name",
            Column(heading="What is reviewed", value=area_text),
            "every_months",
            "owner",
            "last_done",
            Column(heading="Next due", value=next_due_text),
        ],
        empty_text=(
            "Add each review that keeps the credential current, with how often it comes "
            "back and who owns it, so that none is forgotten after launch."
        ),
        row_name="review cycle",
        figures=next_review_figures,
    ),
    RecordType(
        name="maintenance.tracked_metrics",
        label="Tracked metrics",
        model=TrackedMetric,
        form=TrackedMetricForm,
        columns=["name", "source", "update_frequency", "audience"],
        empty_text=(
            "Add each metric you will track, where it comes from and who sees it, so that "
            "stakeholders know how the credential is doing."
        ),
        row_name="tracked metric",
    ),
]
