from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from delivery.models import Platform
from design.forms import AssessmentDesignForm, CompetencyForm, LearningComponentForm
from design.models import AssessmentDesign, Competency, LearningComponent, StackComponent
from design.readiness import (
    check_exam_passing_standard,
    check_exam_testing_platform,
    check_stack_components,
)
from microcred.plans.readiness import PlanFacts, ReadinessProblem
from microcred.records.cells import cell_text
from microcred.records.registry import record_type_named
from microcred.records.types import RecordTable
from tests.factories import PlanFactory
from tests.planning.records_helpers import save_demo_rows

PHASE = "design-and-development"
NAMES = {
    Competency: "design.competencies",
    StackComponent: "design.stack_components",
    LearningComponent: "design.learning_components",
    AssessmentDesign: "design.assessment_design",
    Platform: "delivery.platforms",
}


@pytest.fixture
def add_row(plan, record_set_question):
    """`add(model, **fields)`: a saved row of the plan, in its record-set question."""

    def add(model, **fields):
        return model.objects.create(
            plan=fields.pop("plan", plan),
            question=record_set_question(NAMES[model]),
            updated_at=timezone.now(),
            **fields,
        )

    return add


@pytest.fixture
def exam(add_row):
    return add_row(
        AssessmentDesign,
        title="Certification exam",
        form="exam",
        item_count=60,
        time_limit_minutes=90,
        passing_standard="42 of 60",
        standard_setting="modified_angoff",
        scoring="automatic",
    )


def cells(row) -> dict[str, str]:
    record_type = record_type_named(NAMES[type(row)])
    return {column.heading: cell_text(row, column) for column in record_type.column_list()}


def figures(model, rows) -> list[tuple[str, str]]:
    return [
        (figure.label, figure.value) for figure in record_type_named(NAMES[model]).figures(rows)
    ]


def choose_credential_model(plan, choice: str) -> None:
    question = plan.template_version.questions.get(key="credential_model")
    plan.answers.update_or_create(
        question=question,
        defaults={"value": {"choice": choice, "other": ""}, "updated_at": timezone.now()},
    )


def learning_data(**data) -> dict[str, str]:
    return {
        "title": "Modules 1 to 3",
        "modality": "asynchronous",
        "media": "online_modules",
        "developer": "Design team",
        "hours": "6",
        **data,
    }


def assessment_data(**data) -> dict[str, str]:
    return {"title": "Exam", "form": "exam", "item_count": "60", "scoring": "automatic", **data}


# Competencies


def test_competencies_show_their_framework_and_address(add_row):
    competency = add_row(
        Competency,
        name="Apply privacy principles",
        framework="NGP Body of Knowledge",
        code="PF-1",
        url="https://example.org/ngp#pf-1",
    )
    assert cells(competency) == {
        "Competency or standard": "Apply privacy principles",
        "Framework": "NGP Body of Knowledge",
        "Code": "PF-1",
        "Web address of its description": "https://example.org/ngp#pf-1",
    }


def test_competency_address_must_be_a_web_address(plan):
    form = CompetencyForm({"name": "Privacy principles", "url": "not an address"}, plan=plan)
    assert form.errors == {"url": ["Enter a valid URL."]}
    form = CompetencyForm({"name": "Privacy principles", "url": "example.org/pf-1"}, plan=plan)
    assert form.is_valid()
    assert form.cleaned_data["url"] == "https://example.org/pf-1"


# Stack components


def test_stack_components_are_ordered_with_their_hours(plan, add_row):
    first = add_row(StackComponent, title="Fundamentals", learning_hours=Decimal("15"))
    second = add_row(
        StackComponent,
        title="Incident Response",
        requirement="elective",
        learning_hours=Decimal("12.5"),
    )
    assert record_type_named("design.stack_components").ordered
    assert cells(second) == {
        "Title": "Incident Response",
        "Required or elective": "Elective",
        "Learning hours": "12.5",
    }
    assert figures(StackComponent, [first, second]) == [
        ("Total learning hours", "27.5"),
        ("Learning hours of required components", "15"),
    ]


def test_a_stack_of_electives_has_no_required_hours(plan, add_row):
    row = add_row(StackComponent, title="Ethics", requirement="elective", learning_hours=Decimal(3))
    assert figures(StackComponent, [row])[1] == ("Learning hours of required components", "0")


def test_negative_hours_are_refused(plan):
    form = record_type_named("design.stack_components").form(
        {"title": "Fundamentals", "requirement": "required", "learning_hours": "-1"}, plan=plan
    )
    assert not form.is_valid()
    assert form.errors == {"learning_hours": ["Hours cannot be negative."]}


# Learning components


def test_learning_component_saves_with_its_stack_component(plan, add_row, record_set_question):
    component = add_row(StackComponent, title="Fundamentals", learning_hours=15)
    form = LearningComponentForm(learning_data(stack_component=str(component.pk)), plan=plan)
    assert form.is_valid(), form.errors
    row = form.save(commit=False)
    row.plan, row.question = plan, record_set_question("design.learning_components")
    row.updated_at = timezone.now()
    row.save()
    assert cells(row) == {
        "Title": "Modules 1 to 3",
        "For stack component": "Fundamentals",
        "Modality": "Asynchronous",
        "Media": "Online modules",
        "Developed by": "Design team",
        "Hours": "6",
    }


def test_another_plans_stack_component_is_refused(plan, add_row, template_version, owner):
    other_plan = PlanFactory(template_version=template_version, created_by=owner)
    foreign = add_row(StackComponent, plan=other_plan, title="Theirs", learning_hours=1)
    form = LearningComponentForm(learning_data(stack_component=str(foreign.pk)), plan=plan)
    assert not form.is_valid()
    assert form.errors == {
        "stack_component": [
            "Select a valid choice. That choice is not one of the available choices."
        ]
    }


def test_removing_a_stack_component_keeps_its_learning(plan, add_row):
    component = add_row(StackComponent, title="Fundamentals", learning_hours=15)
    row = add_row(
        LearningComponent,
        title="Modules",
        stack_component=component,
        modality="both",
        media="videos",
        developer="Team",
        hours=Decimal("2"),
    )
    component.delete()
    row.refresh_from_db()
    assert row.stack_component is None
    assert cells(row)["For stack component"] == ""


def test_other_media_needs_a_name_and_reads_as_typed(plan, add_row):
    form = LearningComponentForm(learning_data(media="other"), plan=plan)
    assert not form.is_valid()
    assert form.errors == {"media_other": ["Say what it is when you choose Other."]}
    row = add_row(
        LearningComponent,
        title="Job aids",
        modality="asynchronous",
        media="other",
        media_other="Workbooks",
        developer="Team",
        hours=1,
    )
    assert cells(row)["Media"] == "Workbooks"


def test_learning_hours_total(plan, add_row):
    rows = [
        add_row(
            LearningComponent,
            title=title,
            modality="asynchronous",
            media="videos",
            developer="Team",
            hours=Decimal(hours),
        )
        for title, hours in [("A", "6"), ("B", "6.5"), ("C", "2")]
    ]
    assert figures(LearningComponent, rows) == [("Total hours", "14.5")]


# Assessment design


def test_exam_cells(exam):
    assert cells(exam) == {
        "Assessment": "Certification exam",
        "Form": "Exam",
        "Number of items": "60",
        "Time limit (minutes)": "90",
        "Passing standard": "42 of 60",
        "How the standard is set": "Modified Angoff",
        "Scoring": "Automatic",
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"form": "other"}, {"form_other": ["Say what it is when you choose Other."]}),
        (
            {"standard_setting": "other", "passing_standard": "70%"},
            {"standard_setting_other": ["Say what it is when you choose Other."]},
        ),
        ({"item_count": "0"}, {"item_count": ["Give at least 1 item."]}),
        (
            {"time_limit_minutes": "0"},
            {"time_limit_minutes": ["Give a time limit of at least 1 minute, or leave it empty."]},
        ),
        (
            {"time_limit_minutes": "1441"},
            {"time_limit_minutes": ["Give a time limit of at most 1,440 minutes (a day)."]},
        ),
    ],
)
def test_assessment_refusals(plan, data, errors):
    form = AssessmentDesignForm(assessment_data(**data), plan=plan)
    assert not form.is_valid()
    assert form.errors == errors


def test_other_form_and_standard_read_as_typed(plan):
    form = AssessmentDesignForm(
        assessment_data(
            form="other",
            form_other="Oral defence",
            standard_setting="other",
            standard_setting_other="Panel consensus",
            passing_standard="Pass from two raters",
        ),
        plan=plan,
    )
    assert form.is_valid(), form.errors
    assert cells(form.instance)["Form"] == "Oral defence"
    assert cells(form.instance)["How the standard is set"] == "Panel consensus"
    assert not form.instance.is_exam


# Readiness


def test_a_stackable_credential_needs_two_components(plan, add_row):
    choose_credential_model(plan, "Stackable")
    problem = ReadinessProblem(
        phase=PHASE,
        message="A stackable credential needs at least two stack components: "
        "add the components it stacks from.",
        question_key="stack_components",
    )
    assert check_stack_components(PlanFacts(plan)) == [problem]
    add_row(StackComponent, title="Fundamentals", learning_hours=15)
    assert check_stack_components(PlanFacts(plan)) == [problem]
    add_row(StackComponent, title="Incident Response", learning_hours=12)
    assert check_stack_components(PlanFacts(plan)) == []


def test_other_models_need_no_components(plan):
    choose_credential_model(plan, "Certificate")
    assert check_stack_components(PlanFacts(plan)) == []


def test_no_stack_check_without_the_question(plan):
    plan.template_version.questions.filter(record_type="design.stack_components").delete()
    choose_credential_model(plan, "Stackable")
    assert check_stack_components(PlanFacts(plan)) == []


def test_an_exam_needs_a_passing_standard_and_how_it_is_set(plan, exam):
    assert check_exam_passing_standard(PlanFacts(plan)) == []
    exam.standard_setting = ""
    exam.save()
    expected = [
        ReadinessProblem(
            phase=PHASE,
            message="Give the passing standard of the exam “Certification exam” and how it is set.",
            question_key="assessment_forms",
        )
    ]
    assert check_exam_passing_standard(PlanFacts(plan)) == expected
    exam.standard_setting, exam.passing_standard = "modified_angoff", " "
    exam.save()
    assert check_exam_passing_standard(PlanFacts(plan)) == expected


def test_other_assessments_need_no_passing_standard(plan, add_row):
    add_row(AssessmentDesign, title="Portfolio", form="portfolio", scoring="rater")
    assert check_exam_passing_standard(PlanFacts(plan)) == []


def test_an_exam_needs_a_testing_platform(plan, exam, add_row):
    add_row(Platform, product="Northbridge Learning", role="learning_management")
    assert check_exam_testing_platform(PlanFacts(plan)) == [
        ReadinessProblem(
            phase="delivery",
            message="The assessment is an exam: add the testing platform that delivers it.",
            question_key="platforms",
        )
    ]
    add_row(Platform, product="ProctorPoint Online", role="testing")
    assert check_exam_testing_platform(PlanFacts(plan)) == []


def test_no_platform_check_without_an_exam(plan, add_row):
    add_row(AssessmentDesign, title="Portfolio", form="portfolio", scoring="rater")
    assert check_exam_testing_platform(PlanFacts(plan)) == []


def test_no_platform_check_without_the_delivery_question(plan, exam):
    plan.template_version.questions.filter(record_type="delivery.platforms").delete()
    assert check_exam_testing_platform(PlanFacts(plan)) == []


# Demo rows


def test_every_demo_row_is_valid_through_its_form(plan):
    saved = save_demo_rows(plan=plan, app_label="design")
    assert {table: len(rows) for table, rows in saved.items()} == {
        "competencies": 3,
        "stack_components": 3,
        "learning_components": 4,
        "assessment_design": 3,
    }
    assert {str(row.stack_component) for row in saved["learning_components"]} == {
        "Data Privacy Fundamentals"
    }
    choose_credential_model(plan, "Stackable")
    facts = PlanFacts(plan)
    assert check_stack_components(facts) == []
    assert check_exam_passing_standard(facts) == []


def test_demo_tables_render_in_one_query_each(plan, record_set_question, django_assert_num_queries):
    save_demo_rows(plan=plan, app_label="design")
    record_type = record_type_named("design.learning_components")
    question = record_set_question(record_type.name)
    with django_assert_num_queries(1):
        table = RecordTable(record_type, question, list(record_type.rows_of(plan)))
        html = render_to_string("records/_table.html", {"record_set": table})
    assert '<th scope="col">For stack component</th>' in html
    assert '<td data-label="For stack component">Data Privacy Fundamentals</td>' in html
    assert "<dt>Total hours</dt><dd>15</dd>" in html
