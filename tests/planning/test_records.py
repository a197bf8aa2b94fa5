"""Strategic planning's records: stakeholders, competitors and price tiers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

import planning.readiness
from microcred.plans.readiness import PlanFacts, ReadinessProblem
from microcred.plans.record_sets import REGISTRY
from microcred.plans.records import Figure, RecordTable, cell_text
from planning.forms import PriceTierForm, StakeholderForm
from planning.models import Competitor, PriceTier, Stakeholder
from tests.planning.records_helpers import make_row, save_demo_rows, unsaved

pytestmark = pytest.mark.django_db

STAKEHOLDERS = REGISTRY["planning.stakeholders"]
COMPETITORS = REGISTRY["planning.competitors"]
PRICE_TIERS = REGISTRY["planning.price_tiers"]


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


def test_every_demo_row_is_valid_through_its_form(plan):
    saved = save_demo_rows(plan=plan, app_label="planning")
    assert {table: len(rows) for table, rows in saved.items()} == {
        "stakeholders": 6,
        "competitors": 4,
        "price_tiers": 6,
    }
    assert PRICE_TIERS.figures(saved["price_tiers"]) == [
        Figure(label="Prices in USD", value="195.00 to 2,507.50 USD"),
        Figure(label="Seats in organization licences", value="10"),
    ]


def test_demo_price_tiers_render_in_the_read_only_table(plan, record_set_question):
    rows = save_demo_rows(plan=plan, app_label="planning")
    table = RecordTable(
        record_type=PRICE_TIERS,
        question=record_set_question("planning.price_tiers"),
        rows=rows["price_tiers"],
    )
    html = render_to_string("plans/records/_table.html", {"record_set": table})
    assert '<th scope="col" class="num">Price</th>' in html
    assert '<td class="num">2,507.50 USD</td>' in html
    assert "<td>Candidates who prepare on their own</td>" in html
    assert "<dt>Prices in USD</dt><dd>195.00 to 2,507.50 USD</dd>" in html


def checks_of_this_phase(plan):
    """What this phase app's own checks find (the other phases' checks fire too on a plan
    with empty tables)."""
    facts = PlanFacts(plan)
    return [p for check in planning.readiness.CHECKS for p in check(facts)]
