"""A plan's settings: title, organization, summary, its one currency and its discount
rate; a currency change while rows hold amounts is refused, never converted."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from marketing.models import Channel
from microcred.plans.checks import check_default_currency
from microcred.plans.models import Plan
from microcred.plans.services import create_plan, update_plan_settings
from microcred.review.services import submit_for_review
from planning.models import Competitor, PriceTier
from tests.factories import PlanFactory
from tests.planning.records_helpers import make_row

pytestmark = pytest.mark.django_db

SETTINGS = {
    "title": "Data Privacy Basics",
    "organization": "Northbridge Institute",
    "summary": "A short credential.",
    "currency": "EUR",
    "discount_rate": "7.5",
}
CURRENCY_MIGRATION = importlib.import_module(
    "planning.migrations.0003_plan_currency_from_first_price_tier"
)


def settings_url(plan):
    return reverse("plans:settings", args=[plan.pk])


def tier(plan, *, name="Member", currency="USD", price="295", **fields):
    return make_row(
        PriceTier,
        plan=plan,
        question=plan.template_version.questions.get(key="price_tiers"),
        name=name,
        audience="member",
        price=Decimal(price),
        currency=currency,
        **fields,
    )


def test_an_editor_changes_the_settings(client, plan, editor, django_assert_max_num_queries):
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        page = client.get(settings_url(plan)).content.decode()
    assert '<option value="USD" selected>USD: US dollar</option>' in page
    assert 'name="discount_rate"' in page
    response = client.post(settings_url(plan), SETTINGS)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.currency, plan.discount_rate) == (
        "Data Privacy Basics",
        "EUR",
        Decimal("7.50"),
    )


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("100.5", "The discount rate cannot be above 100%."),
        ("-1", "The discount rate cannot be below 0%."),
        ("8.125", "Ensure that there are no more than 2 decimal places."),
        ("lots", "Enter a number."),
        ("7,5", "Type 7.5 for seven point five; “7,5” would read as 75."),
    ],
)
def test_a_discount_rate_out_of_bounds_is_refused_beside_its_field(
    client, plan, owner, rate, message
):
    client.force_login(owner)
    response = client.post(settings_url(plan), {**SETTINGS, "discount_rate": rate})
    assert response.status_code == 400
    assert response.context["form"].errors == {"discount_rate": [message]}
    assert Plan.objects.get(pk=plan.pk).discount_rate == 0


def test_the_currency_cannot_change_while_rows_hold_amounts(client, plan, owner):
    tier(plan)
    tier(plan, name="Non-member", price="395")
    make_row(
        Channel,
        plan=plan,
        question=plan.template_version.questions.get(key="channels"),
        name="Webinar",
        budget=Decimal(500),
    )
    # A channel without a budget and a competitor without a price hold no amount.
    make_row(
        Channel,
        plan=plan,
        question=plan.template_version.questions.get(key="channels"),
        name="Posts",
    )
    make_row(
        Competitor,
        plan=plan,
        question=plan.template_version.questions.get(key="competitors"),
        name="Them",
        offering="A course",
    )
    client.force_login(owner)
    response = client.post(settings_url(plan), SETTINGS)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "currency": [
            "The currency cannot change to EUR: 3 rows of this plan have amounts in another "
            "currency (2 price tiers, 1 channel), and amounts are never converted. Delete "
            "those rows first, or keep USD."
        ]
    }
    plan.refresh_from_db()
    assert (plan.currency, plan.title) == ("USD", "Data Privacy Fundamentals")


def test_other_settings_change_while_rows_hold_amounts(plan, owner):
    tier(plan)
    changed = update_plan_settings(
        plan=plan, user=owner, **{**SETTINGS, "currency": "USD", "discount_rate": Decimal(3)}
    )
    assert (changed.currency, changed.discount_rate, changed.title) == (
        "USD",
        3,
        "Data Privacy Basics",
    )


def test_one_row_is_counted_in_the_singular(plan, owner):
    tier(plan)
    with pytest.raises(ValidationError) as refused:
        update_plan_settings(plan=plan, user=owner, **{**SETTINGS, "discount_rate": Decimal(0)})
    assert refused.value.message_dict["currency"] == [
        "The currency cannot change to EUR: 1 row of this plan has amounts in another "
        "currency (1 price tier), and amounts are never converted. Delete those rows first, "
        "or keep USD."
    ]


def test_the_settings_are_locked_with_the_answers(client, plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(owner)
    page = client.get(settings_url(plan)).content.decode()
    assert "This plan is in review: its answers are locked until a reviewer requests " in page
    assert '<dt class="col-sm-4">Discount rate</dt><dd class="col-sm-8">0%</dd>' in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]
    with pytest.raises(ValidationError, match="This plan is in review"):
        update_plan_settings(plan=plan, user=owner, **{**SETTINGS, "discount_rate": Decimal(0)})


def test_a_new_plan_takes_the_default_currency_or_the_one_chosen(owner, template_version, settings):
    settings.DEFAULT_CURRENCY = "CAD"
    assert create_plan(title="A", organization="B", user=owner).currency == "CAD"
    assert create_plan(title="C", organization="D", currency="GBP", user=owner).currency == "GBP"


def test_an_unknown_default_currency_stops_start_up(settings):
    settings.DEFAULT_CURRENCY = "usd"
    [error] = check_default_currency()
    assert (error.id, error.msg) == (
        "plans.E001",
        "DEFAULT_CURRENCY is “usd”, which is not one of the currencies plans offer: AUD, CAD, "
        "CHF, EUR, GBP, INR, JPY, NZD, USD, ZAR.",
    )
    settings.DEFAULT_CURRENCY = "EUR"
    assert check_default_currency() == []
    call_command("check")


def test_the_migration_gives_existing_plans_their_first_price_tier_currency(template_version):
    priced, unpriced = PlanFactory(template_version=template_version), PlanFactory()
    tier(priced, name="Later", currency="EUR", position=2)
    tier(priced, name="First", currency="GBP", position=1)
    CURRENCY_MIGRATION.currency_from_first_price_tier(django_apps, None)
    priced.refresh_from_db()
    unpriced.refresh_from_db()
    assert (priced.currency, unpriced.currency) == ("GBP", "USD")
