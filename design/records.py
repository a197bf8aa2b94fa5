"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

from collections.abc import Iterable
from decimal import Decimal

from microcred.records.cells import Column
from microcred.records.types import Figure, RecordType

from .forms import AssessmentDesignForm, CompetencyForm, LearningComponentForm, StackComponentForm
from .models import AssessmentDesign, Competency, LearningComponent, StackComponent


def hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():,f}"


def total_hours(hours: Iterable[Decimal]) -> Decimal:
    # Decimal(0), not 0, for none: a stack of electives has no required hours.
    return sum(hours, Decimal(0))


def stack_hours(rows: list[StackComponent]) -> list[Figure]:
    required = [row for row in rows if row.requirement == StackComponent.Requirement.REQUIRED]
    return [
        Figure(
            label="Total learning hours",
            value=hours_text(total_hours(r.learning_hours for r in rows)),
        ),
        Figure(
            label="Learning hours of required components",
            value=hours_text(total_hours(r.learning_hours for r in required)),
        ),
    ]


def learning_hours(rows: list[LearningComponent]) -> list[Figure]:
    return [Figure(label="Total hours", value=hours_text(total_hours(row.hours for row in rows)))]


def media_name(component: LearningComponent) -> str:
    return component.media_name


def form_name(assessment: AssessmentDesign) -> str:
    return assessment.form_name


def standard_setting_name(assessment: AssessmentDesign) -> str:
    return assessment.standard_setting_name


# The arg-type errors ignored below: RecordType and Column take functions of any
# PlanRecord, not of their own model's rows (records.types is not generic in the model).
RECORD_TYPES: list[RecordType] = [
    RecordType(
        name="design.competencies",
        label="Competencies and standards",
        model=Competency,
        form=CompetencyForm,
        columns=["name", "framework", "code", "url"],
        empty_text="Add each competency or standard a holder has shown, with the address of "
        "its official description, so that the credential says what it certifies.",
        row_name="competency",
    ),
    RecordType(
        name="design.stack_components",
        label="Stack components",
        model=StackComponent,
        form=StackComponentForm,
        columns=["title", "requirement", "learning_hours"],
        empty_text="Add each component the credential stacks from, in the order candidates "
        "earn them, so that the pathway and its hours are clear.",
        row_name="stack component",
        ordered=True,
        figures=stack_hours,
    ),
    RecordType(
        name="design.learning_components",
        label="Learning components",
        model=LearningComponent,
        form=LearningComponentForm,
        columns=[
            "title",
            "stack_component",
            "modality",
            Column(heading="Media", value=media_name),
            "developer",
            "hours",
        ],
        empty_text="Add each module, session or resource the program provides, with who "
        "develops it and its hours, so that development can be planned.",
        row_name="learning component",
        figures=learning_hours,
    ),
    RecordType(
        name="design.assessment_design",
        label="Assessment design",
        model=AssessmentDesign,
        form=AssessmentDesignForm,
        columns=[
            "title",
            Column(heading="Form", value=form_name),
            "item_count",
            "time_limit_minutes",
            "passing_standard",
            Column(heading="How the standard is set", value=standard_setting_name),
            "scoring",
        ],
        empty_text="Add each assessment candidates take, with its form, passing standard and "
        "scoring, so that reviewers can judge how mastery is shown.",
        row_name="assessment",
    ),
]
