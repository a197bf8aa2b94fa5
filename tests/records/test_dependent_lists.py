"""Lists of another table's rows (a forecast's price tier, a channel's segment) follow that
table without a reload: each change of its rows sends them again, out of band. An empty
one says what to add first, with a link to that table, which comes above it."""

import pytest
from django.urls import reverse

from microcred.questionnaires.defaults import default_template_document
from microcred.records.registry import REGISTRY
from planning.models import CandidateForecast, PriceTier
from tests.factories import record_set_question_in
from tests.planning.records_helpers import make_row

pytestmark = pytest.mark.django_db


def walk(items):
    for item in items:
        yield item
        yield from walk(item.get("children", []))


def test_every_table_comes_after_the_tables_its_rows_choose_from():
    models_above: set = set()
    for phase in default_template_document()["phases"]:
        for item in walk(phase["questions"]):
            record_type = REGISTRY.get(item.get("record_type", ""))
            if record_type is None:
                continue
            chosen_from = set(record_type.choice_models().values()) - {record_type.model}
            assert chosen_from <= models_above, f"{item['key']} comes before what it names"
            models_above.add(record_type.model)


@pytest.fixture
def tiers_question(plan):
    return record_set_question_in(plan.template_version, "planning.price_tiers")


@pytest.fixture
def forecast_question(plan):
    return record_set_question_in(plan.template_version, "planning.candidate_forecast")


@pytest.fixture
def member(plan, tiers_question):
    """A saved price tier, "Member"."""
    return make_row(
        PriceTier, plan=plan, question=tiers_question, name="Member", audience="member",
        price="245.00",
    )  # fmt: skip


def tier_list(*, prefix: str, options: str, oob: bool, described_by: str = "", hint: str = ""):
    """The price tier cell of a forecast row (`prefix`) as the page and its refreshes
    write it."""
    swap = ' hx-swap-oob="true"' if oob else ""
    row = "new candidate forecast" if prefix.endswith("-new") else "candidate forecast 1"
    return (
        f'<div class="record-choices" id="choices-id_{prefix}-price_tier"{swap}>'
        f'<select name="{prefix}-price_tier" form="rowform-{prefix}" '
        f'aria-label="Price tier, {row}" class="form-select form-select-sm" required '
        f'id="id_{prefix}-price_tier"{described_by}>{options}</select>{hint}</div>'
    )


NO_TIERS_HINT = (
    '<p class="form-text small mb-0" id="id_candidate_forecast-new-price_tier_source">'
    'No price tiers yet: <a href="#rs-price_tiers">add a price tier</a> first.</p>'
)


def test_an_empty_list_says_what_to_add_first_with_a_link(client, plan, owner):
    client.force_login(owner)
    content = client.get(reverse("plans:phase", args=[plan.pk, "strategic-planning"])).content
    assert (
        tier_list(
            prefix="candidate_forecast-new",
            options='<option value="" selected>---------</option>',
            oob=False,
            described_by=' aria-describedby="id_candidate_forecast-new-price_tier_source"',
            hint=NO_TIERS_HINT,
        )
        in content.decode()
    )
    channels = client.get(reverse("plans:phase", args=[plan.pk, "marketing"])).content.decode()
    assert (
        '<p class="form-text small mb-0" id="id_channels-new-segment_source">No audience '
        'segments yet: <a href="#rs-audience_segments">add an audience segment</a> first.</p>'
    ) in channels
    assert channels.index('id="rs-audience_segments"') < channels.index('id="rs-channels"')


def add_tier(client, plan, name: str):
    data = {
        "price_tiers-new-name": name,
        "price_tiers-new-audience": "member",
        "price_tiers-new-price": "245",
        "price_tiers-new-currency": "USD",
    }
    url = reverse("plans:record_add", args=[plan.pk, "strategic-planning", "price_tiers"])
    return client.post(url, data, HTTP_HX_REQUEST="true").content.decode()


def test_adding_a_price_tier_sends_the_forecasts_lists_again(
    client, plan, owner, member, forecast_question, django_assert_max_num_queries
):
    forecast = make_row(
        CandidateForecast, plan=plan, question=forecast_question, year=1, price_tier=member,
        candidates=40,
    )  # fmt: skip
    client.force_login(owner)
    with django_assert_max_num_queries(25):  # 18 without the lists, whatever the rows
        content = add_tier(client, plan, "Non-member <b>")
    non_member = PriceTier.objects.get(plan=plan, name="Non-member <b>")
    options = (
        '<option value="">---------</option>'
        f'<option value="{member.pk}"{{}}>Member</option>'
        f'<option value="{non_member.pk}">Non-member &lt;b&gt;</option>'
    )
    assert "Added the price tier." in content
    assert (
        tier_list(
            prefix=f"candidate_forecast-{forecast.pk}",
            options=options.format(" selected"),
            oob=True,
        )
        in content
    )
    assert (
        tier_list(
            prefix="candidate_forecast-new",
            options=options.replace('value=""', 'value="" selected').format(""),
            oob=True,
        )
        in content
    )


def test_deleting_the_last_price_tier_says_again_what_to_add(
    client, plan, owner, member, forecast_question
):
    client.force_login(owner)
    url = reverse(
        "plans:record_delete", args=[plan.pk, "strategic-planning", "price_tiers", member.pk]
    )
    content = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Deleted the price tier “Member”." in content
    assert (
        tier_list(
            prefix="candidate_forecast-new",
            options='<option value="" selected>---------</option>',
            oob=True,
            described_by=' aria-describedby="id_candidate_forecast-new-price_tier_source"',
            hint=NO_TIERS_HINT,
        )
        in content
    )


def test_renaming_a_tier_sends_the_lists_again_and_a_refused_change_does_not(
    client, plan, owner, member, forecast_question
):
    client.force_login(owner)
    url = reverse(
        "plans:record_change", args=[plan.pk, "strategic-planning", "price_tiers", member.pk]
    )
    prefix = f"price_tiers-{member.pk}"
    data = {
        f"{prefix}-name": "Members",
        f"{prefix}-audience": "member",
        f"{prefix}-price": "245.00",
        f"{prefix}-currency": "USD",
        f"{prefix}-revision": "1",
    }
    content = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert f'<option value="{member.pk}">Members</option>' in content
    assert 'id="choices-id_candidate_forecast-new-price_tier" hx-swap-oob="true"' in content
    refused = client.post(
        url, data | {f"{prefix}-price": "450,00", f"{prefix}-revision": "2"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Type 450.00 for four hundred fifty; “450,00” would read as 45000." in refused
    assert "record-choices" not in refused
