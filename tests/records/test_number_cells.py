"""Number and money cells never drop a separator silently: typed in text inputs (a number
input sends what Chromium makes of "450,00" in English: 45000), read as the answers'
numbers are, a decimal comma refused with how it would read and how to type it."""

from decimal import Decimal

import pytest
from django import forms

from microcred.plans.record_rows import InvalidRecord, save_record
from microcred.records.cells import cell_input, cell_text
from microcred.records.forms import PlainDecimalField, PlainIntegerField
from microcred.records.registry import REGISTRY
from microcred.records.types import RecordTable
from tests.factories import record_set_question_in

pytestmark = pytest.mark.django_db

PRICE_TIERS = REGISTRY["planning.price_tiers"]


def number_fields():
    return [
        (name, field_name, form_field)
        for name, record_type in sorted(REGISTRY.items())
        for field_name, form_field in record_type.form.base_fields.items()
        if isinstance(form_field, forms.DecimalField | forms.IntegerField)
    ]


@pytest.mark.parametrize(("record_type", "field_name", "form_field"), number_fields())
def test_every_number_cell_is_typed_as_text_and_read_as_typed(record_type, field_name, form_field):
    assert isinstance(form_field, PlainDecimalField | PlainIntegerField)
    assert type(form_field.widget) is forms.TextInput
    whole = isinstance(form_field, PlainIntegerField)
    assert form_field.widget.attrs["inputmode"] == ("numeric" if whole else "decimal")
    assert "step" not in form_field.widget.attrs


def tier_data(**fields):
    return {"name": "Member", "audience": "member", "price": "245", "currency": "USD"} | fields


@pytest.fixture
def tiers_question(plan):
    return record_set_question_in(plan.template_version, PRICE_TIERS.name)


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("450,00", "Type 450.00 for four hundred fifty; “450,00” would read as 45000."),
        ("1,5", "Type 1.5 for one point five; “1,5” would read as 15."),
        (
            "1.234,5",
            "Type 1234.5 for one thousand two hundred thirty-four point five; “1.234,5” "
            "would read as 1.2345.",
        ),
    ],
)
def test_a_decimal_comma_in_a_price_is_refused_with_how_it_would_read(
    plan, owner, tiers_question, price, message
):
    with pytest.raises(InvalidRecord) as invalid:
        save_record(plan=plan, question=tiers_question, data=tier_data(price=price), user=owner)
    assert invalid.value.form.errors == {"price": [message]}
    assert not PRICE_TIERS.model.objects.filter(plan=plan).exists()


def test_a_decimal_comma_in_a_count_is_refused_too(plan, owner):
    segments = REGISTRY["marketing.audience_segments"]
    question = record_set_question_in(plan.template_version, segments.name)
    data = {"name": "HR leads", "reach": "new", "kind": "individual", "estimated_size": "1,5"}
    with pytest.raises(InvalidRecord) as invalid:
        save_record(plan=plan, question=question, data=data, user=owner)
    assert invalid.value.form.errors == {
        "estimated_size": ["Type 1.5 for one point five; “1,5” would read as 15."]
    }


def test_thousands_separators_keep_working(plan, owner, tiers_question):
    data = tier_data(price="1,234.50", audience="organization_licence", seats="45,000")
    tier = save_record(plan=plan, question=tiers_question, data=data, user=owner).record
    tier.refresh_from_db()
    assert (tier.price, tier.seats) == (Decimal("1234.50"), 45000)
    columns = {column.heading: column for column in PRICE_TIERS.column_list()}
    assert cell_text(tier, columns["Price"]) == "1,234.50 USD"
    assert cell_text(tier, columns["Seats"]) == "45,000"
    table = RecordTable(record_type=PRICE_TIERS, question=tiers_question, rows=[tier])
    form = table.row_form(tier, plan=plan, number=1)
    assert cell_input(form["price"]) == (
        f'<input name="price_tiers-{tier.pk}-price" inputmode="decimal" '
        f'form="rowform-price_tiers-{tier.pk}" aria-label="Price (USD), price tier 1" '
        f'class="form-control form-control-sm" required aria-describedby="id_price_tiers-{tier.pk}'
        f'-price_helptext" id="id_price_tiers-{tier.pk}-price" type="text" value="1234.50">'
    )
