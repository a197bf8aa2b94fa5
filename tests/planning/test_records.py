"""Strategic planning's records: stakeholders, competitors and price tiers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

import planning.readiness
from microcred.plans.readiness import PlanFacts, ReadinessProblem
from microcred.records.cells import cell_text
from microcred.records.registry import REGISTRY
from microcred.records.types import Figure, RecordTable
from planning.forms import CandidateForecastForm, CostLineForm, PriceTierForm, StakeholderForm
from planning.models import CandidateForecast, Competitor, CostLine, PriceTier, Stakeholder
from tests.factories import PlanFactory
from tests.planning.records_helpers import make_row, save_demo_rows, unsaved

pytestmark = pytest.mark.django_db

STAKEHOLDERS = REGISTRY["planning.stakeholders"]
COMPETITORS = REGISTRY["planning.competitors"]
PRICE_TIERS = REGISTRY["planning.price_tiers"]
COST_LINES = REGISTRY["planning.cost_lines"]
CANDIDATE_FORECAST = REGISTRY["planning.candidate_forecast"]


@pytest.fixture
def tiers_question(record_set_question):
    return record_set_question("planning.price_tiers")


def tier(plan, question, **fields):
    values = {"name": "Member", "audience": "member", "price": Decimal("295.00")}
    return unsaved(PriceTier, plan=plan, question=question, **(values | fields))


def errors_of(record) -> dict:
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def cells(record_type, row) -> dict[str, str]:
    return {column.heading: cell_text(row, column) for column in record_type.column_list()}


# Model validation


def test_stakeholder_other_consultation_needs_words(plan, record_set_question):
    question = record_set_question("planning.stakeholders")
    stakeholder = unsaved(
        Stakeholder,
        plan=plan,
        question=question,
        name="Privacy counsel",
        side="external",
        consultation="other",
    )
    assert errors_of(stakeholder) == {"consultation_other": ["You chose Other: say what it is."]}


def test_stakeholder_other_words_only_with_other(plan, record_set_question):
    question = record_set_question("planning.stakeholders")
    stakeholder = unsaved(
        Stakeholder,
        plan=plan,
        question=question,
        name="Members",
        side="external",
        consultation="survey",
        consultation_other="A poll",
    )
    assert errors_of(stakeholder) == {
        "consultation_other": ["Leave this empty unless you choose Other."]
    }


def test_stakeholder_consultation_cannot_end_before_it_starts(plan, record_set_question):
    question = record_set_question("planning.stakeholders")
    stakeholder = unsaved(
        Stakeholder,
        plan=plan,
        question=question,
        name="Members",
        side="external",
        consultation="survey",
        consulted_from=datetime.date(2027, 2, 1),
        consulted_until=datetime.date(2027, 1, 31),
    )
    assert errors_of(stakeholder) == {
        "consulted_until": ["The consultation cannot end before it starts."]
    }


def test_price_tier_cannot_end_before_it_starts(plan, tiers_question):
    price_tier = tier(
        plan,
        tiers_question,
        valid_from=datetime.date(2028, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
    )
    assert errors_of(price_tier) == {
        "valid_to": ["The price cannot end before it starts: check the dates."]
    }


def test_price_tier_may_last_one_day(plan, tiers_question):
    day = datetime.date(2027, 10, 14)
    tier(plan, tiers_question, valid_from=day, valid_to=day).full_clean()


def test_licence_needs_its_seats(plan, tiers_question):
    licence = tier(plan, tiers_question, audience="organization_licence")
    assert errors_of(licence) == {"seats": ["Say how many seats the licence covers."]}


def test_seats_only_for_a_licence(plan, tiers_question):
    assert errors_of(tier(plan, tiers_question, seats=10)) == {
        "seats": ["Seats apply only to an organization licence: leave this empty."]
    }


def test_other_audience_needs_words(plan, tiers_question):
    assert errors_of(tier(plan, tiers_question, audience="other")) == {
        "audience_other": ["You chose Other: say what it is."]
    }


def test_price_cannot_be_negative(plan, tiers_question):
    assert errors_of(tier(plan, tiers_question, price=Decimal("-1.00"))) == {
        "price": ["An amount cannot be negative."]
    }


# The forms


def test_price_tier_form_saves_valid_data(plan, tiers_question):
    form = PriceTierForm(
        {
            "name": "Organization licence",
            "audience": "organization_licence",
            "price": "2507.50",
            "currency": "USD",
            "seats": "10",
            "valid_from": "2027-09-01",
            "valid_to": "",
        },
        plan=plan,
        instance=PriceTier(plan=plan, question=tiers_question),
    )
    assert form.is_valid(), form.errors
    row = form.save(commit=False)
    row.updated_at = timezone.now()
    row.save()
    saved = PriceTier.objects.get(plan=plan)
    assert (saved.price, saved.seats, saved.valid_from, saved.valid_to) == (
        Decimal("2507.50"),
        10,
        datetime.date(2027, 9, 1),
        None,
    )


def test_price_tier_form_shows_the_error_beside_the_field(plan, tiers_question):
    form = PriceTierForm(
        {
            "name": "Member",
            "audience": "member",
            "price": "295",
            "currency": "USD",
            "valid_from": "2028-01-01",
            "valid_to": "2027-01-01",
        },
        plan=plan,
        instance=PriceTier(plan=plan, question=tiers_question),
    )
    assert not form.is_valid()
    assert form.errors == {"valid_to": ["The price cannot end before it starts: check the dates."]}


def test_form_labels_are_the_column_headings(plan):
    form = StakeholderForm(plan=plan)
    headings = [column.heading for column in STAKEHOLDERS.column_list()]
    assert [form.fields[name].label for name in ("name", "side", "interest")] == headings[:3]
    assert form.fields["consulted_from"].widget.input_type == "date"
    assert PriceTierForm(plan=plan).fields["price"].widget.attrs["inputmode"] == "decimal"


# Cells and figures


def test_stakeholder_cells(plan, record_set_question):
    question = record_set_question("planning.stakeholders")
    panel = make_row(
        Stakeholder,
        plan=plan,
        question=question,
        name="Employer members",
        side="external",
        interest="Verify staff",
        consultation="advisory_panel",
        consulted_from=datetime.date(2027, 1, 20),
        consulted_until=datetime.date(2027, 5, 31),
    )
    council = make_row(
        Stakeholder,
        plan=plan,
        question=question,
        name="Certification Council",
        side="internal",
        consultation="other",
        consultation_other="Council meetings",
    )
    assert cells(STAKEHOLDERS, panel) == {
        "Name or group": "Employer members",
        "Internal or external": "External",
        "Interest": "Verify staff",
        "How consulted": "Advisory panel",
        "From": "20 January 2027",
        "Until": "31 May 2027",
    }
    assert cells(STAKEHOLDERS, council)["How consulted"] == "Council meetings"
    assert STAKEHOLDERS.figures([panel, council]) == [
        Figure(label="Internal stakeholders", value="1"),
        Figure(label="External stakeholders", value="1"),
    ]


def test_competitor_cells_and_price_ranges_per_currency(plan, record_set_question):
    question = record_set_question("planning.competitors")
    rows = [
        make_row(
            Competitor,
            plan=plan,
            question=question,
            name=name,
            offering="Course",
            price=price,
            currency=currency,
            how_we_win="An exam",
        )
        for name, price, currency in [
            ("Association", Decimal("1550.00"), "USD"),
            ("University", Decimal("495.00"), "USD"),
            ("Vendor", None, "USD"),
            ("European course", Decimal("300.00"), "EUR"),
        ]
    ]
    assert cells(COMPETITORS, rows[0]) == {
        "Name": "Association",
        "Offering": "Course",
        "Price": "1,550.00 USD",
        "How we win": "An exam",
    }
    assert cells(COMPETITORS, rows[2])["Price"] == ""
    assert COMPETITORS.figures(rows) == [
        Figure(label="Competitor prices in USD", value="495.00 to 1,550.00 USD"),
        Figure(label="Competitor prices in EUR", value="300.00 EUR"),
    ]


def test_price_tier_cells_and_figures(plan, tiers_question):
    licence = make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Licence",
        audience="organization_licence",
        price=Decimal("2507.50"),
        seats=1200,
        valid_from=datetime.date(2027, 9, 1),
    )
    exam_only = make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Exam only",
        audience="other",
        audience_other="Self-prepared candidates",
        price=Decimal("195.00"),
    )
    early = make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Early adopter",
        audience="early_adopter",
        price=Decimal("245.00"),
        currency="CAD",
        valid_to=datetime.date(2027, 12, 31),
    )
    assert cells(PRICE_TIERS, licence) == {
        "Tier": "Licence",
        "Audience": "Organization licence",
        "Price": "2,507.50 USD",
        "Seats": "1,200",
        "Valid from": "1 September 2027",
        "Valid to": "",
    }
    assert cells(PRICE_TIERS, exam_only)["Audience"] == "Self-prepared candidates"
    assert cells(PRICE_TIERS, early)["Valid to"] == "31 December 2027"
    assert PRICE_TIERS.figures([licence, exam_only, early]) == [
        Figure(label="Prices in USD", value="195.00 to 2,507.50 USD"),
        Figure(label="Prices in CAD", value="245.00 CAD"),
        Figure(label="Seats in organization licences", value="1,200"),
    ]


# Cost lines and candidate forecasts


@pytest.fixture
def other_plan(template_version, owner):
    return PlanFactory(template_version=template_version, created_by=owner)


@pytest.fixture
def costs_question(record_set_question):
    return record_set_question("planning.cost_lines")


@pytest.fixture
def forecast_question(record_set_question):
    return record_set_question("planning.candidate_forecast")


def cost_line(plan, question, **fields):
    values = {"item": "Item writing", "category": "development", "amount": Decimal("1000.00")}
    return unsaved(CostLine, plan=plan, question=question, **(values | {"year": 1} | fields))


def test_a_cost_line_falls_in_one_year_or_every_year(plan, costs_question):
    cost_line(plan, costs_question).full_clean()
    cost_line(plan, costs_question, year=None, every_year=True).full_clean()
    assert errors_of(cost_line(plan, costs_question, year=None)) == {
        "year": ["Choose the year this cost falls in, or tick Every year."]
    }
    assert errors_of(cost_line(plan, costs_question, year=2, every_year=True)) == {
        "year": ["Leave the year empty for a cost that falls every year."]
    }


def test_a_cost_line_year_is_one_to_five(plan, costs_question):
    assert errors_of(cost_line(plan, costs_question, year=6)) == {
        "year": ["Value 6 is not a valid choice."]
    }


def test_a_cost_line_other_category_needs_words(plan, costs_question):
    assert errors_of(cost_line(plan, costs_question, category="other")) == {
        "category_other": ["You chose Other: say what it is."]
    }
    assert errors_of(cost_line(plan, costs_question, category_other="Legal")) == {
        "category_other": ["Leave this empty unless you choose Other."]
    }


def test_cost_line_form_saves_a_cost_that_falls_every_year(plan, costs_question):
    form = CostLineForm(
        {
            "item": "Platform fees",
            "category": "yearly_running",
            "amount": "18000",
            "currency": "USD",
            "year": "",
            "every_year": "on",
        },
        plan=plan,
        instance=CostLine(plan=plan, question=costs_question),
    )
    assert form.is_valid(), form.errors
    row = form.save(commit=False)
    assert (row.amount, row.year, row.every_year) == (Decimal("18000"), None, True)
    assert cells(COST_LINES, row) == {
        "Item": "Platform fees",
        "Category": "Yearly running",
        "Amount": "18,000.00 USD",
        "Year": "Every year",
    }


def test_cost_line_form_shows_the_year_error_beside_the_field(plan, costs_question):
    form = CostLineForm(
        {"item": "Modules", "category": "development", "amount": "5", "currency": "USD"},
        plan=plan,
        instance=CostLine(plan=plan, question=costs_question),
    )
    assert not form.is_valid()
    assert form.errors == {"year": ["Choose the year this cost falls in, or tick Every year."]}


def test_cost_line_figures_count_a_cost_every_year_five_times(plan, costs_question):
    rows = [
        cost_line(plan, costs_question, amount=Decimal("100.50")),
        cost_line(plan, costs_question, year=None, every_year=True, amount=Decimal("10")),
        cost_line(plan, costs_question, amount=Decimal("70"), currency="EUR"),
    ]
    assert cells(COST_LINES, rows[0])["Year"] == "Year 1"
    assert COST_LINES.figures(rows) == [
        Figure(label="Cost over 5 years in USD", value="150.50 USD"),
        Figure(label="Cost over 5 years in EUR", value="70.00 EUR"),
    ]


def forecast_form(plan, question, data, instance=None):
    instance = instance or CandidateForecast(plan=plan, question=question)
    return CandidateForecastForm(data, plan=plan, instance=instance)


def test_forecast_form_offers_only_the_plans_tiers(
    plan, other_plan, tiers_question, forecast_question
):
    ours = make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Member",
        audience="member",
        price=Decimal("295"),
    )
    theirs = make_row(
        PriceTier,
        plan=other_plan,
        question=tiers_question,
        name="Theirs",
        audience="member",
        price=Decimal("1"),
    )
    form = forecast_form(
        plan, forecast_question, {"year": "1", "price_tier": theirs.pk, "candidates": "5"}
    )
    assert list(form.fields["price_tier"].queryset) == [ours]
    assert not form.is_valid()
    assert form.errors == {
        "price_tier": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_a_forecast_needs_a_tier_and_whole_candidates(plan, forecast_question):
    form = forecast_form(
        plan, forecast_question, {"year": "6", "price_tier": "", "candidates": "-1"}
    )
    assert not form.is_valid()
    assert form.errors == {
        "year": ["Select a valid choice. 6 is not one of the available choices."],
        "price_tier": ["This field is required."],
        "candidates": ["Ensure this value is greater than or equal to 0."],
    }


def test_one_forecast_per_year_and_tier(plan, tiers_question, forecast_question):
    member = make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Member",
        audience="member",
        price=Decimal("295"),
    )
    first = make_row(
        CandidateForecast,
        plan=plan,
        question=forecast_question,
        year=2,
        price_tier=member,
        candidates=100,
    )
    twin = forecast_form(
        plan, forecast_question, {"year": "2", "price_tier": member.pk, "candidates": "40"}
    )
    assert not twin.is_valid()
    assert twin.errors == {
        "price_tier": ["Year 2 already has a forecast for “Member”: change that row instead."]
    }
    # The row itself may change, and another year is another row.
    assert forecast_form(
        plan, forecast_question, {"year": "2", "price_tier": member.pk, "candidates": "90"}, first
    ).is_valid()
    assert forecast_form(
        plan, forecast_question, {"year": "3", "price_tier": member.pk, "candidates": "40"}
    ).is_valid()


def test_a_forecast_names_a_tier_of_its_own_plan(
    plan, other_plan, tiers_question, forecast_question
):
    theirs = make_row(
        PriceTier,
        plan=other_plan,
        question=tiers_question,
        name="Theirs",
        audience="member",
        price=Decimal("1"),
    )
    forecast = unsaved(
        CandidateForecast,
        plan=plan,
        question=forecast_question,
        year=1,
        price_tier=theirs,
        candidates=3,
    )
    assert errors_of(forecast) == {"price_tier": ["Choose a price tier of this plan."]}


def test_forecast_cells_and_candidates_per_year(plan, tiers_question, forecast_question):
    member = make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Member",
        audience="member",
        price=Decimal("295"),
    )
    rows = [
        make_row(
            CandidateForecast,
            plan=plan,
            question=forecast_question,
            year=year,
            price_tier=member,
            candidates=count,
        )
        for year, count in [(2, 1200), (1, 30)]
    ]
    assert cells(CANDIDATE_FORECAST, rows[0]) == {
        "Year": "Year 2",
        "Price tier": "Member",
        "Expected candidates": "1,200",
    }
    assert str(rows[0]) == "Year 2, Member"
    assert CANDIDATE_FORECAST.figures(rows) == [
        Figure(label="Candidates in year 1", value="30"),
        Figure(label="Candidates in year 2", value="1,200"),
    ]
    member.delete()
    rows[0].refresh_from_db()
    assert (rows[0].price_tier, str(rows[0])) == (None, "Year 2, no price tier")


# Readiness


def test_a_plan_without_price_tiers_is_not_ready(plan, tiers_question):
    assert checks_of_this_phase(plan) == [
        ReadinessProblem(
            phase="strategic-planning",
            message="Add at least one price tier: what candidates or organizations will pay.",
            question_key="price_tiers",
        )
    ]


def test_one_price_tier_is_enough(plan, tiers_question):
    make_row(
        PriceTier,
        plan=plan,
        question=tiers_question,
        name="Member",
        audience="member",
        price=Decimal("295.00"),
    )
    assert checks_of_this_phase(plan) == []


def test_no_tier_check_when_the_version_asks_for_none(plan):
    plan.template_version.questions.filter(record_type="planning.price_tiers").delete()
    assert PlanFacts(plan).asks("planning.price_tiers") is False
    assert checks_of_this_phase(plan) == []


# Demo rows


def test_every_demo_row_is_valid_through_its_form(plan, record_set_question):
    saved = save_demo_rows(plan=plan, app_label="planning", question_for=record_set_question)
    assert {table: len(rows) for table, rows in saved.items()} == {
        "stakeholders": 6,
        "competitors": 4,
        "price_tiers": 6,
        "cost_lines": 8,
        "candidate_forecast": 22,
    }
    assert PRICE_TIERS.figures(saved["price_tiers"]) == [
        Figure(label="Prices in USD", value="195.00 to 2,507.50 USD"),
        Figure(label="Seats in organization licences", value="10"),
    ]
    # 148,000 of development, 2 × 5 yearly running lines of 18,000 + 20,000, 11,000 of
    # marketing and 12,000 of item bank maintenance.
    assert COST_LINES.figures(saved["cost_lines"]) == [
        Figure(label="Cost over 5 years in USD", value="361,000.00 USD")
    ]
    assert CANDIDATE_FORECAST.figures(saved["candidate_forecast"]) == [
        Figure(label="Candidates in year 1", value="420"),
        Figure(label="Candidates in year 2", value="560"),
        Figure(label="Candidates in year 3", value="500"),
        Figure(label="Candidates in year 4", value="450"),
        Figure(label="Candidates in year 5", value="430"),
    ]


def test_demo_price_tiers_render_in_the_read_only_table(plan, record_set_question):
    rows = save_demo_rows(plan=plan, app_label="planning", question_for=record_set_question)
    table = RecordTable(
        record_type=PRICE_TIERS,
        question=record_set_question("planning.price_tiers"),
        rows=rows["price_tiers"],
    )
    html = render_to_string("records/_table.html", {"record_set": table})
    assert '<th scope="col" class="num">Price</th>' in html
    assert '<td data-label="Price" class="num">2,507.50 USD</td>' in html
    assert '<td data-label="Audience">Candidates who prepare on their own</td>' in html
    assert "<dt>Prices in USD</dt><dd>195.00 to 2,507.50 USD</dd>" in html


def checks_of_this_phase(plan):
    """What this phase app's own checks find (the other phases' checks fire too on a plan
    with empty tables)."""
    facts = PlanFacts(plan)
    return [p for check in planning.readiness.CHECKS for p in check(facts)]
