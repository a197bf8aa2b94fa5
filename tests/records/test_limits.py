"""What a table may hold, and how much of it each row's form repeats: a page shows every
row with its form, and each form lists the rows it may link to."""

import pytest
from django.utils import timezone

from microcred.plans.record_rows import RecordRefused, save_record
from microcred.records.forms import share_choices
from microcred.records.registry import REGISTRY
from planning.models import PriceTier
from tests.factories import record_set_question_in

pytestmark = pytest.mark.django_db


def price_tiers(plan, names: list[str]) -> list[PriceTier]:
    question = record_set_question_in(plan.template_version, "planning.price_tiers")
    return PriceTier.objects.bulk_create(
        PriceTier(
            plan=plan,
            question=question,
            name=name,
            audience="member",
            price="10.00",
            currency=plan.currency,
            position=position,
            updated_at=timezone.now(),
        )
        for position, name in enumerate(names, start=1)
    )


def test_a_table_holds_at_most_fifty_rows(plan, owner):
    price_tiers(plan, [f"Tier {n}" for n in range(1, 51)])
    question = record_set_question_in(plan.template_version, "planning.price_tiers")
    data = {"name": "One more", "audience": "member", "price": "1.00", "currency": "USD"}
    with pytest.raises(RecordRefused) as refused:
        save_record(plan=plan, question=question, data=data, user=owner)
    assert str(refused.value) == (
        "Price tiers holds at most 50 rows: delete one before adding another."
    )
    assert PriceTier.objects.filter(plan=plan).count() == 50


def test_a_rows_choices_of_other_rows_show_their_first_eighty_characters(plan):
    price_tiers(plan, ["Member", "M" * 500])
    forecasts = REGISTRY["planning.candidate_forecast"]
    question = record_set_question_in(plan.template_version, forecasts.name)
    forms = [
        forecasts.form(instance=forecasts.model(plan=plan, question=question), plan=plan)
        for _ in range(2)
    ]
    share_choices(forms)
    for form in forms:
        labels = [label for _value, label in form.fields["price_tier"].widget.choices]
        assert labels == ["---------", "Member", "M" * 79 + "…"]
