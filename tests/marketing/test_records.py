"""Marketing's records: audience segments, channels and success metrics."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

import marketing.readiness
from marketing.forms import ChannelForm, SuccessMetricForm
from marketing.models import AudienceSegment, Channel, SuccessMetric
from microcred.plans.readiness import PlanFacts, ReadinessProblem
from microcred.records.cells import cell_text
from microcred.records.registry import REGISTRY
from microcred.records.types import Figure
from planning.models import PriceTier
from tests.factories import PlanFactory
from tests.planning.records_helpers import make_row, save_demo_rows, unsaved

pytestmark = pytest.mark.django_db

SEGMENTS = REGISTRY["marketing.audience_segments"]
CHANNELS = REGISTRY["marketing.channels"]
METRICS = REGISTRY["marketing.success_metrics"]


@pytest.fixture
def segments_question(record_set_question):
    return record_set_question("marketing.audience_segments")


@pytest.fixture
def channels_question(record_set_question):
    return record_set_question("marketing.channels")


@pytest.fixture
def segment(plan, segments_question):
    return make_row(
        AudienceSegment,
        plan=plan,
        question=segments_question,
        name="CIOs and privacy officers",
        reach="new",
        kind="decision_maker",
        estimated_size=150,
    )


def cells(record_type, row) -> dict[str, str]:
    return {column.heading: cell_text(row, column) for column in record_type.column_list()}


def channel_form(plan, question, **data):
    values = {"name": "Roundtable", "budget": "6000.00", "currency": "USD", "starts_on": ""}
    return ChannelForm(values | data, plan=plan, instance=Channel(plan=plan, question=question))


# Model validation and the forms


def test_channel_refuses_another_plans_segment(plan, owner, channels_question, template_version):
    other_plan = PlanFactory(template_version=template_version, created_by=owner)
    elsewhere = make_row(
        AudienceSegment,
        plan=other_plan,
        question=channels_question,
        name="Elsewhere",
        reach="new",
        kind="individual",
    )
    channel = unsaved(
        Channel, plan=plan, question=channels_question, name="Posts", segment=elsewhere
    )
    with pytest.raises(ValidationError) as raised:
        channel.full_clean()
    assert raised.value.message_dict == {"segment": ["Choose a segment of this plan."]}
    form = channel_form(plan, channels_question, segment=str(elsewhere.pk))
    assert not form.is_valid()
    assert form.errors == {
        "segment": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_channel_form_saves_valid_data(plan, channels_question, segment):
    form = channel_form(plan, channels_question, segment=str(segment.pk), starts_on="2027-10-14")
    assert form.is_valid(), form.errors
    row = form.save(commit=False)
    row.updated_at = timezone.now()
    row.save()
    saved = Channel.objects.get(plan=plan)
    assert (saved.segment, saved.budget, saved.starts_on) == (
        segment,
        Decimal("6000.00"),
        datetime.date(2027, 10, 14),
    )


def test_channel_form_shows_a_negative_budget_beside_the_field(plan, channels_question):
    form = channel_form(plan, channels_question, budget="-5")
    assert not form.is_valid()
    assert form.errors == {"budget": ["An amount cannot be negative."]}


def test_success_metric_form_needs_a_number_as_target(plan, record_set_question):
    question = record_set_question("marketing.success_metrics")
    form = SuccessMetricForm(
        {"name": "Conversion", "direction": "at_least", "target": "twelve", "frequency": "monthly"},
        plan=plan,
        instance=SuccessMetric(plan=plan, question=question),
    )
    assert not form.is_valid()
    assert form.errors == {"target": ["Enter a number."]}


# Cells and figures


def test_segment_cells_and_sizes_by_type(plan, segments_question, segment):
    staff = make_row(
        AudienceSegment,
        plan=plan,
        question=segments_question,
        name="Records staff",
        reach="current",
        kind="individual",
        estimated_size=6500,
    )
    students = make_row(
        AudienceSegment,
        plan=plan,
        question=segments_question,
        name="Students",
        reach="new",
        kind="individual",
        estimated_size=800,
    )
    unsized = make_row(
        AudienceSegment,
        plan=plan,
        question=segments_question,
        name="Employers",
        reach="current",
        kind="organization",
    )
    assert cells(SEGMENTS, staff) == {
        "Segment": "Records staff",
        "Current or new": "Current audience",
        "Type": "Individual",
        "Estimated size": "6,500",
    }
    assert cells(SEGMENTS, unsized)["Estimated size"] == ""
    assert SEGMENTS.figures([segment, staff, students, unsized]) == [
        Figure(label="Estimated size, decision-maker segments", value="150"),
        Figure(label="Estimated size, individual segments", value="7,300"),
    ]


def test_channel_cells_and_budget_per_currency(plan, channels_question, segment):
    rows = [
        make_row(
            Channel,
            plan=plan,
            question=channels_question,
            segment=segment,
            name=name,
            budget=budget,
            currency=currency,
            starts_on=datetime.date(2027, 10, 14),
        )
        for name, budget, currency in [
            ("Roundtable", Decimal("6000.00"), "USD"),
            ("Posts", Decimal("12000.50"), "USD"),
            ("Newsletter", None, "USD"),
            ("Conference", Decimal("2500.00"), "EUR"),
        ]
    ]
    assert cells(CHANNELS, rows[0]) == {
        "Channel": "Roundtable",
        "Segment": "CIOs and privacy officers",
        "Budget": "6,000.00 USD",
        "Start date": "14 October 2027",
    }
    assert CHANNELS.figures(rows) == [
        Figure(label="Total budget in USD", value="18,000.50 USD"),
        Figure(label="Total budget in EUR", value="2,500.00 EUR"),
    ]


def test_success_metric_cells(plan, record_set_question):
    question = record_set_question("marketing.success_metrics")
    conversion, cost = (
        make_row(
            SuccessMetric,
            plan=plan,
            question=question,
            name=name,
            direction=direction,
            target=target,
            unit=unit,
            frequency=frequency,
        )
        for name, direction, target, unit, frequency in [
            ("Conversion", "at_least", Decimal("12.00"), "%", "monthly"),
            ("Cost per registration", "at_most", Decimal("1500.50"), "USD", "quarterly"),
        ]
    )
    assert cells(METRICS, conversion) == {
        "Metric": "Conversion",
        "Target": "At least 12%",
        "Measured": "Monthly",
    }
    assert cells(METRICS, cost)["Target"] == "At most 1,500.5 USD"


# Readiness


def test_every_channel_must_name_a_segment(plan, channels_question, segment):
    make_row(Channel, plan=plan, question=channels_question, name="Roundtable", segment=segment)
    make_row(Channel, plan=plan, question=channels_question, name="Posts")
    make_row(Channel, plan=plan, question=channels_question, name="Webinars")
    assert checks_of_this_phase(plan) == [
        ReadinessProblem(
            phase="marketing",
            message="Choose the audience segment that each of these channels reaches: "
            "“Posts”, “Webinars”.",
            question_key="channels",
        )
    ]


def test_deleting_a_segment_leaves_its_channel_without_one(plan, channels_question, segment):
    channel = make_row(
        Channel, plan=plan, question=channels_question, name="Roundtable", segment=segment
    )
    assert checks_of_this_phase(plan) == []
    segment.delete()
    channel.refresh_from_db()
    assert channel.segment is None
    assert [problem.question_key for problem in checks_of_this_phase(plan)] == ["channels"]


def test_a_budget_needs_a_price_tier(plan, channels_question, record_set_question, segment):
    tiers_question = record_set_question("planning.price_tiers")
    make_row(
        Channel,
        plan=plan,
        question=channels_question,
        name="Roundtable",
        segment=segment,
        budget=Decimal("6000.00"),
    )
    budget_problem = ReadinessProblem(
        phase="strategic-planning",
        message="Marketing channels have a budget but the plan has no price: add at least "
        "one price tier, so that the spending can be weighed against revenue.",
        question_key="price_tiers",
    )
    assert budget_problem in checks_of_this_phase(plan)
    make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Member",
        audience="member",
        price=Decimal("295.00"),
    )
    assert checks_of_this_phase(plan) == []


def test_channels_without_a_budget_need_no_price_tier(plan, channels_question, segment):
    make_row(
        Channel, plan=plan, question=channels_question, name="Posts", segment=segment, budget=0
    )
    facts = PlanFacts(plan)
    assert facts.asks("planning.price_tiers") and facts.records("planning.price_tiers") == []
    assert checks_of_this_phase(plan) == []


def test_no_budget_check_when_the_version_asks_for_no_price_tiers(plan, channels_question, segment):
    plan.template_version.questions.filter(record_type="planning.price_tiers").delete()
    make_row(
        Channel,
        plan=plan,
        question=channels_question,
        name="Posts",
        segment=segment,
        budget=Decimal("100.00"),
    )
    assert checks_of_this_phase(plan) == []


# Demo rows


def test_every_demo_row_is_valid_through_its_form(plan):
    saved = save_demo_rows(plan=plan, app_label="marketing")
    assert {table: len(rows) for table, rows in saved.items()} == {
        "audience_segments": 5,
        "channels": 6,
        "success_metrics": 6,
    }
    assert all(channel.segment is not None for channel in saved["channels"])
    assert CHANNELS.figures(saved["channels"]) == [
        Figure(label="Total budget in USD", value="29,000.00 USD")
    ]


def checks_of_this_phase(plan):
    """What this phase app's own checks find (the other phases' checks fire too on a plan
    with empty tables)."""
    facts = PlanFacts(plan)
    return [p for check in marketing.readiness.CHECKS for p in check(facts)]
