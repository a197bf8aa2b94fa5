from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from microcred.plans.answers import save_answer
from microcred.plans.readiness import PlanFacts, ReadinessProblem
from microcred.records.cells import cell_text
from microcred.records.registry import record_type_named
from microcred.records.types import RecordTable
from operations.forms import KeyPersonForm, SystemChangeForm
from operations.models import FundingSource, KeyPerson, RecertificationRule, SystemChange
from operations.readiness import check_program_manager, check_recertification_rule
from tests.factories import PlanFactory
from tests.planning.records_helpers import save_demo_rows

PHASE = "operational-considerations"


@pytest.fixture
def add_row(plan, record_set_question):
    """`add(model, **fields)`: a saved row of the plan, in its record-set question."""
    names = {
        FundingSource: "operations.funding_sources",
        KeyPerson: "operations.key_personnel",
        SystemChange: "operations.system_changes",
        RecertificationRule: "operations.recertification_rule",
    }

    def add(model, **fields):
        return model.objects.create(
            plan=fields.pop("plan", plan),
            question=record_set_question(names[model]),
            updated_at=timezone.now(),
            **fields,
        )

    return add


def cells(record_type_name: str, row) -> dict[str, str]:
    record_type = record_type_named(record_type_name)
    return {column.heading: cell_text(row, column) for column in record_type.column_list()}


def figures(record_type_name: str, rows) -> list[tuple[str, str]]:
    return [
        (figure.label, figure.value) for figure in record_type_named(record_type_name).figures(rows)
    ]


def answer(plan, key: str, value) -> None:
    question = plan.template_version.questions.get(key=key)
    stored = plan.answers.filter(question=question).first()
    save_answer(
        plan=plan,
        question=question,
        raw_value=value,
        base_revision=stored.revision if stored else 0,
        user=plan.created_by,
    )


def validation_messages(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        record.full_clean(exclude=["plan", "question", "updated_at", "updated_by"])
    return raised.value.message_dict


# Funding sources


def test_funding_source_cells(plan, add_row):
    row = add_row(
        FundingSource,
        funder="Northbridge Foundation grant",
        covers="Item writing",
        amount=Decimal("40000"),
        currency="USD",
        period=FundingSource.Period.ONE_TIME,
        starts_on=date(2026, 11, 1),
    )
    assert cells("operations.funding_sources", row) == {
        "Who pays": "Northbridge Foundation grant",
        "What it covers": "Item writing",
        "Amount": "40,000.00 USD",
        "Period": "One-time",
        "From": "1 November 2026",
    }


def test_funding_totals_are_per_period_and_currency(plan, add_row):
    def fund(amount, currency, period):
        return add_row(
            FundingSource, funder="F", amount=Decimal(amount), currency=currency, period=period
        )

    rows = [
        fund("65000", "USD", "one_time"),
        fund("40000.50", "USD", "one_time"),
        fund("126000", "USD", "yearly"),
        fund("30000", "CAD", "yearly"),
    ]
    assert figures("operations.funding_sources", rows) == [
        ("Total one-time funding in USD", "105,000.50 USD"),
        ("Total yearly funding in CAD", "30,000.00 CAD"),
        ("Total yearly funding in USD", "126,000.00 USD"),
    ]


def test_a_negative_amount_is_refused(plan):
    row = FundingSource(funder="Fees", amount=Decimal("-1"), currency="USD", period="one_time")
    assert validation_messages(row) == {"amount": ["An amount cannot be negative."]}


# Key personnel


def test_key_person_cells_and_total_fte(plan, add_row):
    dana = add_row(
        KeyPerson,
        name="Dana Whitfield",
        role="Program lead",
        responsibility="manages",
        fte=Decimal("0.2"),
    )
    samuel = add_row(
        KeyPerson,
        name="Samuel Osei",
        role="Assessment lead",
        responsibility="both",
        fte=Decimal("0.15"),
    )
    assert cells("operations.key_personnel", samuel) == {
        "Name": "Samuel Osei",
        "Role": "Assessment lead",
        "Manages or monitors": "Manages and monitors",
        "FTE": "0.15",
    }
    assert figures("operations.key_personnel", [dana, samuel]) == [("Total FTE", "0.35")]


@pytest.mark.parametrize(
    ("fte", "message"),
    [
        ("0", "Give a share of a full-time post above 0."),
        ("1.5", "One person works at most 1.00 FTE."),
    ],
)
def test_fte_bounds(plan, fte, message):
    form = KeyPersonForm(
        {"name": "Dana", "role": "Lead", "responsibility": "manages", "fte": fte}, plan=plan
    )
    assert not form.is_valid()
    assert form.errors == {"fte": [message]}


def test_key_person_form_saves(plan, record_set_question):
    form = KeyPersonForm(
        {"name": "Dana", "role": "Lead", "responsibility": "manages", "fte": "0.50"}, plan=plan
    )
    assert form.is_valid(), form.errors
    person = form.save(commit=False)
    person.plan, person.question = plan, record_set_question("operations.key_personnel")
    person.updated_at = timezone.now()
    person.save()
    assert KeyPerson.objects.get(plan=plan).fte == Decimal("0.50")


# System changes


def test_system_change_other_needs_a_name(plan):
    form = SystemChangeForm(
        {
            "system": "other",
            "system_other": " ",
            "change": "Issue badges",
            "owner": "IT",
            "status": "planned",
        },
        plan=plan,
    )
    assert not form.is_valid()
    assert form.errors == {"system_other": ["Say what it is when you choose Other."]}


def test_system_change_drops_the_other_name_of_a_listed_system(plan):
    form = SystemChangeForm(
        {
            "system": "lms",
            "system_other": "Badges",
            "change": "Share completions",
            "owner": "IT",
            "status": "planned",
        },
        plan=plan,
    )
    assert form.is_valid(), form.errors
    assert form.instance.system_other == ""


def test_system_change_cells(plan, add_row):
    listed = add_row(
        SystemChange,
        system="certification_management",
        change="New credential type",
        owner="Vendor",
        due_on=date(2027, 1, 29),
        status="in_progress",
    )
    other = add_row(
        SystemChange,
        system="other",
        system_other="Open Badges service",
        change="Issue badges",
        owner="IT",
    )
    assert cells("operations.system_changes", listed) == {
        "System": "Certification management",
        "Change needed": "New credential type",
        "Owner": "Vendor",
        "Due": "29 January 2027",
        "Status": "In progress",
    }
    assert cells("operations.system_changes", other)["System"] == "Open Badges service"
    assert cells("operations.system_changes", other)["Due"] == ""


# Recertification rule


def rule_form(plan, **data):
    return record_type_named("operations.recertification_rule").form(
        {"period_months": "36", "method": "ce_credits", "credits_needed": "6", **data}, plan=plan
    )


def test_recertification_rule_form_saves_and_reads(plan, record_set_question):
    form = rule_form(plan, details="Or pass the exam again")
    assert form.is_valid(), form.errors
    rule = form.save(commit=False)
    rule.plan, rule.question = plan, record_set_question("operations.recertification_rule")
    rule.updated_at = timezone.now()
    rule.save()
    assert str(rule) == "Every 36 months"
    assert cells("operations.recertification_rule", rule) == {
        "Every (months)": "36",
        "How": "Continuing education credits",
        "Credits needed": "6",
        "Details": "Or pass the exam again",
    }
    assert record_type_named("operations.recertification_rule").single_row


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"credits_needed": ""},
            {"credits_needed": ["Give the number of credits needed to renew."]},
        ),
        ({"method": "other"}, {"method_other": ["Say what it is when you choose Other."]}),
        ({"period_months": "0"}, {"period_months": ["Give a period of at least 1 month."]}),
        (
            {"period_months": "121"},
            {"period_months": ["Give a period of at most 120 months (ten years)."]},
        ),
    ],
)
def test_recertification_rule_refusals(plan, data, errors):
    form = rule_form(plan, **data)
    assert not form.is_valid()
    assert form.errors == errors


def test_recertification_rule_other_way_reads_as_typed(plan, add_row):
    rule = add_row(
        RecertificationRule, period_months=12, method="other", method_other="Yearly attestation"
    )
    assert cells("operations.recertification_rule", rule)["How"] == "Yearly attestation"


# Readiness


def test_no_check_without_the_questions(plan):
    plan.template_version.questions.filter(
        record_type__in=["operations.key_personnel", "operations.recertification_rule"]
    ).delete()
    facts = PlanFacts(plan)
    assert check_program_manager(facts) == []
    answer(plan, "staying_current", {"choice": "yes", "explanation": ""})
    assert check_recertification_rule(PlanFacts(plan)) == []


def test_a_program_manager_is_needed(plan, add_row):
    add_row(KeyPerson, name="Coordinator", role="Support", responsibility="monitors", fte=1)
    assert check_program_manager(PlanFacts(plan)) == [
        ReadinessProblem(
            phase=PHASE,
            message="Name at least one key person who manages the program.",
            question_key="key_people",
        )
    ]
    add_row(KeyPerson, name="Samuel", role="Lead", responsibility="both", fte=Decimal("0.1"))
    assert check_program_manager(PlanFacts(plan)) == []


def test_another_plans_manager_does_not_count(plan, add_row, template_version, owner):
    other_plan = PlanFactory(template_version=template_version, created_by=owner)
    add_row(KeyPerson, plan=other_plan, name="Dana", role="Lead", responsibility="manages", fte=1)
    assert len(check_program_manager(PlanFacts(plan))) == 1


def test_the_recertification_rule_is_needed_when_holders_stay_current(plan, add_row):
    answer(plan, "staying_current", {"choice": "no", "explanation": ""})
    assert check_recertification_rule(PlanFacts(plan)) == []
    answer(plan, "staying_current", {"choice": "yes", "explanation": "Every three years"})
    assert check_recertification_rule(PlanFacts(plan)) == [
        ReadinessProblem(
            phase=PHASE,
            message="Candidates must stay current: fill in the recertification rule, "
            "how often and how holders renew.",
            question_key="recertification_rule",
        )
    ]
    add_row(RecertificationRule, period_months=36, method="re_exam")
    assert check_recertification_rule(PlanFacts(plan)) == []


# Demo rows


def test_every_demo_row_is_valid_through_its_form(plan):
    saved = save_demo_rows(plan=plan, app_label="operations")
    assert {table: len(rows) for table, rows in saved.items()} == {
        "funding_sources": 4,
        "key_personnel": 4,
        "system_changes": 5,
        "recertification_rule": 1,
    }
    facts = PlanFacts(plan)
    assert check_program_manager(facts) == []
    assert check_recertification_rule(facts) == []


def test_demo_funding_renders_its_totals(plan, record_set_question, django_assert_num_queries):
    save_demo_rows(plan=plan, app_label="operations")
    record_type = record_type_named("operations.funding_sources")
    question = record_set_question(record_type.name)
    with django_assert_num_queries(1):
        table = RecordTable(record_type, question, list(record_type.rows_of(plan)))
        html = render_to_string("records/_table.html", {"record_set": table})
    assert '<th scope="col" class="num">Amount</th>' in html
    assert '<td data-label="Amount" class="num">40,000.00 USD</td>' in html
    assert "<dt>Total one-time funding in USD</dt><dd>105,000.00 USD</dd>" in html
    assert "<dt>Total yearly funding in USD</dt><dd>156,000.00 USD</dd>" in html
