"""A plan has one currency: its rows' amounts are typed and stored in it, and an amount
in another currency is refused beside the field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketing.forms import ChannelForm
from microcred.plans.record_rows import InvalidRecord, save_record
from operations.forms import FundingSourceForm
from planning.forms import PriceTierForm
from planning.models import PriceTier
from tests.planning.records_helpers import make_row

pytestmark = pytest.mark.django_db

REFUSED_IN_USD = (
    "This plan's amounts are in USD; change the plan's currency or enter the amount in USD."
)


@pytest.fixture
def tiers(plan):
    return plan.template_version.questions.get(key="price_tiers")


def tier_data(**changes) -> dict:
    return {"name": "Member", "audience": "member", "price": "245.00", **changes}


def test_amounts_are_labelled_with_the_plan_currency_and_no_currency_is_chosen(plan):
    plan.currency = "EUR"
    form = PriceTierForm(plan=plan)
    assert form.fields["price"].label == "Price (EUR)"
    assert [field.name for field in form.hidden_fields()] == ["currency"]
    assert form["currency"].value() == "EUR"
    assert "currency" not in [field.name for field in form.visible_fields()]
    assert ChannelForm(plan=plan).fields["budget"].label == "Budget (EUR)"
    assert FundingSourceForm(plan=plan).fields["amount"].label == "Amount (EUR)"


def test_a_row_is_stored_in_the_plan_currency(plan, owner, tiers):
    plan.currency = "EUR"
    plan.save()
    saved = save_record(plan=plan, question=tiers, data=tier_data(currency="EUR"), user=owner)
    assert (saved.record.price, saved.record.currency) == (Decimal("245.00"), "EUR")
    # Without the hidden field (a form from elsewhere), the plan's currency still.
    saved = save_record(plan=plan, question=tiers, data=tier_data(name="Other"), user=owner)
    assert saved.record.currency == "EUR"


def test_an_amount_in_another_currency_is_refused_beside_it(plan, owner, tiers):
    with pytest.raises(InvalidRecord) as refused:
        save_record(plan=plan, question=tiers, data=tier_data(currency="EUR"), user=owner)
    assert refused.value.form.errors == {"price": [REFUSED_IN_USD]}
    assert not PriceTier.objects.filter(plan=plan).exists()


def test_the_table_shows_the_refusal_beside_the_amount(client, plan, owner, tiers):
    client.force_login(owner)
    url = reverse("plans:record_add", args=[plan.pk, "strategic-planning", "price_tiers"])
    data = {f"price_tiers-new-{name}": value for name, value in tier_data().items()}
    response = client.post(url, {**data, "price_tiers-new-currency": "EUR"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "The price tier was not added: see the messages beside its cells." in content
    assert (
        '<div class="invalid-feedback d-block">This plan&#x27;s amounts are in USD; change the '
        "plan&#x27;s currency or enter the amount in USD.</div>"
    ) in content
    # Shown again, the row carries the plan's currency for the next try, not the refused.
    assert (
        '<input name="price_tiers-new-currency" form="rowform-price_tiers-new" '
        'aria-label="Currency, new price tier" class="form-control form-control-sm" '
        'id="id_price_tiers-new-currency" type="hidden" value="USD">'
    ) in content


def test_a_row_saved_in_another_currency_changes_only_with_its_amount_retyped(plan, owner, tiers):
    row = make_row(
        PriceTier,
        plan=plan,
        question=tiers,
        name="UK member",
        audience="member",
        price=Decimal(80),
        currency="GBP",
    )
    renamed = tier_data(name="UK members", price="80.00", currency="USD")
    with pytest.raises(InvalidRecord) as refused:
        save_record(
            plan=plan, question=tiers, data=renamed, user=owner, record_id=row.pk, base_revision=1
        )
    assert refused.value.form.errors == {"price": [REFUSED_IN_USD]}
    saved = save_record(
        plan=plan,
        question=tiers,
        data={**renamed, "price": "104.00"},
        user=owner,
        record_id=row.pk,
        base_revision=1,
    )
    assert (saved.record.name, saved.record.price, saved.record.currency) == (
        "UK members",
        Decimal("104.00"),
        "USD",
    )


def test_a_row_without_an_amount_takes_the_plan_currency(plan, owner):
    question = plan.template_version.questions.get(key="channels")
    saved = save_record(
        plan=plan,
        question=question,
        data={"name": "Word of mouth", "currency": "EUR"},
        user=owner,
    )
    assert (saved.record.budget, saved.record.currency) == (None, "USD")
