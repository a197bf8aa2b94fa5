"""Maintenance's review cycles and tracked metrics: validation, the forms, their cells,
figures, the readiness checks and the demo rows."""

import datetime
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import timezone

from design.models import AssessmentDesign
from maintenance import models, readiness
from maintenance.forms import ReviewCycleForm, TrackedMetricForm
from maintenance.models import ReviewCycle, TrackedMetric, months_after
from maintenance.records import RECORD_TYPES
from microcred.plans.readiness import PlanFacts, ReadinessProblem
from microcred.records.types import Figure, RecordTable
from tests.planning.records_helpers import save_demo_rows

REVIEW_CYCLES, TRACKED_METRICS = RECORD_TYPES
DEMO_RECORDS = Path(models.__file__).parent / "demo_records.yaml"
TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(models.timezone, "localdate", lambda: TODAY)


@pytest.fixture
def cycles_question(record_set_question):
    return record_set_question("maintenance.review_cycles")


@pytest.fixture
def metrics_question(record_set_question):
    return record_set_question("maintenance.tracked_metrics")


@pytest.fixture
def make_cycle(plan, cycles_question):
    def make(name, *, area=ReviewCycle.Area.CONTENT, every_months=12, **fields):
        return ReviewCycle.objects.create(
            plan=plan,
            question=cycles_question,
            name=name,
            area=area,
            every_months=every_months,
            updated_at=timezone.now(),
            **fields,
        )

    return make


def cycle_data(**overrides):
    return {
        "name": "Exam form refresh",
        "area": "assessment",
        "area_other": "",
        "every_months": "12",
        "owner": "Exam development committee",
        "last_done": "",
        "first_due": "2028-09-01",
    } | overrides


def cycle_form(plan, question, data):
    instance = ReviewCycle(plan=plan, question=question, updated_at=timezone.now())
    return ReviewCycleForm(data=data, instance=instance, plan=plan)


def metric_form(plan, question, data):
    instance = TrackedMetric(plan=plan, question=question, updated_at=timezone.now())
    return TrackedMetricForm(data=data, instance=instance, plan=plan)


def test_type_names_and_headings():
    assert [record_type.name for record_type in RECORD_TYPES] == [
        "maintenance.review_cycles",
        "maintenance.tracked_metrics",
    ]
    assert [column.heading for column in REVIEW_CYCLES.column_list()] == [
        "Review",
        "What is reviewed",
        "Every (months)",
        "Owner",
        "Last done",
        "Next due",
    ]
    assert [column.heading for column in TRACKED_METRICS.column_list()] == [
        "Metric",
        "Source",
        "Updated",
        "Who sees it",
    ]


# Review cycles: the model's rules


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"area": "other"}, {"area_other": ["Say what is reviewed, since it is Other."]}),
        (
            {"area_other": "Regulation"},
            {"area_other": ["Leave this empty unless what is reviewed is Other."]},
        ),
        (
            {"last_done": datetime.date(2026, 11, 27)},
            {
                "last_done": [
                    "The last review cannot be in the future: leave it empty until it is done."
                ]
            },
        ),
        (
            {"last_done": datetime.date(2026, 6, 30), "first_due": datetime.date(2027, 6, 30)},
            {
                "first_due": [
                    "Leave the first due date empty once a review is done: the next follows "
                    "from it."
                ]
            },
        ),
    ],
)
def test_review_cycle_rules(plan, cycles_question, fields, errors):
    cycle = ReviewCycle(
        plan=plan, question=cycles_question, name="Review", area="content", every_months=12
    )
    for name, value in fields.items():
        setattr(cycle, name, value)
    with pytest.raises(ValidationError) as error:
        cycle.clean()
    assert error.value.message_dict == errors


def test_review_cycle_done_today_with_other_area_is_valid(plan, cycles_question):
    ReviewCycle(
        plan=plan,
        question=cycles_question,
        name="Regulatory scan",
        area="other",
        area_other="Regulatory changes",
        every_months=6,
        last_done=TODAY,
    ).clean()


@pytest.mark.parametrize(
    ("last_done", "months", "next_due"),
    [
        (datetime.date(2026, 6, 30), 36, datetime.date(2029, 6, 30)),
        (datetime.date(2026, 10, 15), 6, datetime.date(2027, 4, 15)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 1), 1, datetime.date(2027, 1, 1)),
    ],
)
def test_months_after(last_done, months, next_due):
    assert months_after(last_done, months) == next_due


def test_next_due_follows_the_last_review_or_is_the_first_due_date():
    assert ReviewCycle(every_months=6, last_done=datetime.date(2026, 8, 31)).next_due == (
        datetime.date(2027, 2, 28)
    )
    assert ReviewCycle(every_months=6, first_due=datetime.date(2027, 6, 15)).next_due == (
        datetime.date(2027, 6, 15)
    )
    assert ReviewCycle(every_months=6).next_due is None


# Review cycles: the form


def test_review_cycle_form_saves(plan, cycles_question):
    form = cycle_form(plan, cycles_question, cycle_data())
    assert form.is_valid(), form.errors
    cycle = form.save()
    assert (cycle.name, cycle.area, cycle.every_months, cycle.first_due) == (
        "Exam form refresh",
        "assessment",
        12,
        datetime.date(2028, 9, 1),
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"every_months": "0"}, {"every_months": ["Give a number of months from 1 to 120."]}),
        ({"every_months": "121"}, {"every_months": ["Give a number of months from 1 to 120."]}),
        ({"every_months": ""}, {"every_months": ["This field is required."]}),
        ({"area": "other"}, {"area_other": ["Say what is reviewed, since it is Other."]}),
        (
            {"last_done": "2027-01-01", "first_due": ""},
            {
                "last_done": [
                    "The last review cannot be in the future: leave it empty until it is done."
                ]
            },
        ),
        ({"last_done": "next June"}, {"last_done": ["Enter a valid date."]}),
    ],
)
def test_review_cycle_form_errors_beside_the_field(plan, cycles_question, data, errors):
    form = cycle_form(plan, cycles_question, cycle_data(**data))
    assert not form.is_valid()
    assert form.errors == errors


def test_review_cycle_form_inputs(plan, cycles_question):
    form = cycle_form(plan, cycles_question, None)
    assert [str(field.label) for field in form] == [
        "Review",
        "What is reviewed",
        "Other area",
        "Every (months)",
        "Owner",
        "Last done",
        "First due",
    ]
    html = str(form["every_months"]) + str(form["last_done"]) + str(form["first_due"])
    assert 'inputmode="numeric"' in html
    assert html.count('type="date"') == 2


def test_review_cycle_cells_and_figures(plan, cycles_question, make_cycle):
    make_cycle(
        "Blueprint revalidation",
        area="assessment",
        every_months=36,
        owner="Dr. Samuel Osei",
        last_done=datetime.date(2026, 6, 30),
    )
    make_cycle(
        "Regulatory scan",
        area="other",
        area_other="Regulatory changes",
        every_months=6,
        last_done=datetime.date(2026, 10, 15),
    )
    make_cycle("Item statistics review", area="psychometrics", every_months=12)
    table = RecordTable(REVIEW_CYCLES, cycles_question, list(REVIEW_CYCLES.rows_of(plan)))
    assert [[cell for _, cell in cells] for _, cells in table.body] == [
        [
            "Blueprint revalidation",
            "Assessment",
            "36",
            "Dr. Samuel Osei",
            "30 June 2026",
            "30 June 2029",
        ],
        ["Regulatory scan", "Regulatory changes", "6", "", "15 October 2026", "15 April 2027"],
        ["Item statistics review", "Psychometrics", "12", "", "", ""],
    ]
    assert table.figures == [
        Figure(label="Next review due", value="15 April 2027: Regulatory scan"),
    ]


def test_no_figure_without_a_due_date(plan, cycles_question, make_cycle):
    make_cycle("Content review")
    assert REVIEW_CYCLES.figures(list(REVIEW_CYCLES.rows_of(plan))) == []


# Tracked metrics


def test_tracked_metric_form_saves_and_cells(plan, metrics_question):
    form = metric_form(
        plan,
        metrics_question,
        {
            "name": "Pass rate",
            "source": "ProctorPoint Online results",
            "update_frequency": "twice_a_year",
            "audience": "Certification Council",
        },
    )
    assert form.is_valid(), form.errors
    metric = form.save()
    assert str(metric) == "Pass rate"
    table = RecordTable(TRACKED_METRICS, metrics_question, [metric])
    assert [cell for _, cell in table.body[0][1]] == [
        "Pass rate",
        "ProctorPoint Online results",
        "Twice a year",
        "Certification Council",
    ]
    assert table.figures == []


def test_tracked_metric_form_errors_beside_the_field(plan, metrics_question):
    form = metric_form(plan, metrics_question, {"name": "", "update_frequency": "hourly"})
    assert not form.is_valid()
    assert form.errors == {
        "name": ["This field is required."],
        "update_frequency": ["Select a valid choice. hourly is not one of the available choices."],
    }


def test_tracked_metric_name_has_the_short_text_limit(plan, metrics_question):
    form = metric_form(plan, metrics_question, {"name": "x" * 501, "update_frequency": "monthly"})
    assert form.errors == {"name": ["Ensure this value has at most 500 characters (it has 501)."]}


# Readiness


PSYCHOMETRICS_PROBLEM = ReadinessProblem(
    phase="maintenance",
    message=(
        "The assessment is an exam: add a psychometrics review cycle (item statistics, "
        "reliability and pass rates) with how often it comes back."
    ),
    question_key="review_cycles",
)


@pytest.fixture
def add_assessments(plan, record_set_question):
    """`add(*forms)`: one of design's assessment design rows of the plan per form."""
    question = record_set_question(readiness.ASSESSMENT_DESIGN)

    def add(*forms):
        for form in forms:
            AssessmentDesign.objects.create(
                plan=plan,
                question=question,
                title=f"Assessment by {form}",
                form=form,
                scoring="rater",
                updated_at=timezone.now(),
            )

    return add


def test_an_exam_needs_a_psychometrics_review(plan, make_cycle, add_assessments):
    make_cycle("Content review", owner="Priya Raman")
    add_assessments("exam")
    facts = PlanFacts(plan)
    assert readiness.psychometrics_review_for_an_exam(facts) == [PSYCHOMETRICS_PROBLEM]


def test_an_exam_with_a_psychometrics_review_is_ready(plan, make_cycle, add_assessments):
    make_cycle("Item statistics review", area="psychometrics", owner="Dr. Samuel Osei")
    add_assessments("portfolio", "exam")
    assert readiness.psychometrics_review_for_an_exam(PlanFacts(plan)) == []


def test_no_psychometrics_review_needed_without_an_exam(plan, add_assessments):
    add_assessments("portfolio")
    assert readiness.psychometrics_review_for_an_exam(PlanFacts(plan)) == []


def test_no_psychometrics_check_without_the_review_cycles_question(plan, add_assessments):
    add_assessments("exam")
    plan.template_version.questions.filter(record_type=readiness.REVIEW_CYCLES).delete()
    assert readiness.psychometrics_review_for_an_exam(PlanFacts(plan)) == []


def test_no_psychometrics_check_without_the_assessment_design_question(plan, cycles_question):
    plan.template_version.questions.filter(record_type=readiness.ASSESSMENT_DESIGN).delete()
    assert readiness.psychometrics_review_for_an_exam(PlanFacts(plan)) == []


def test_every_review_cycle_needs_an_owner(plan, cycles_question, make_cycle):
    make_cycle("Content review", owner="Priya Raman")
    make_cycle("Exam form refresh")
    make_cycle("Regulatory scan", owner="  ")
    assert readiness.every_review_cycle_has_an_owner(PlanFacts(plan)) == [
        ReadinessProblem(
            phase="maintenance",
            message=(
                "Name the owner of each review cycle; these have none: Exam form refresh, "
                "Regulatory scan."
            ),
            question_key="review_cycles",
        )
    ]


def test_review_cycles_with_owners_are_ready(plan, cycles_question, make_cycle):
    make_cycle("Content review", owner="Priya Raman")
    assert readiness.every_review_cycle_has_an_owner(PlanFacts(plan)) == []


def test_no_owner_check_on_a_version_without_review_cycles(plan):
    plan.template_version.questions.filter(record_type=readiness.REVIEW_CYCLES).delete()
    assert readiness.every_review_cycle_has_an_owner(PlanFacts(plan)) == []


def test_checks_are_listed():
    assert [check.__name__ for check in readiness.CHECKS] == [
        "psychometrics_review_for_an_exam",
        "every_review_cycle_has_an_owner",
    ]


# Demo rows


def test_demo_tables_are_the_record_types():
    assert list(yaml.safe_load(DEMO_RECORDS.read_text())) == ["review_cycles", "tracked_metrics"]


def test_every_demo_row_is_valid_through_its_form(plan):
    saved = save_demo_rows(plan=plan, app_label="maintenance")
    assert all(3 <= len(rows) <= 6 for rows in saved.values())
    assert {table: len(rows) for table, rows in saved.items()} == {
        table: len(rows) for table, rows in yaml.safe_load(DEMO_RECORDS.read_text()).items()
    }


def test_demo_review_cycles_are_ready(plan, add_assessments):
    save_demo_rows(plan=plan, app_label="maintenance")
    add_assessments("exam")
    facts = PlanFacts(plan)
    assert [problem for check in readiness.CHECKS for problem in check(facts)] == []
