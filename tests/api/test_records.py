"""/api/v1/plans/<id>/records/<question_key>/…: a record set's rows read, added, changed,
deleted and moved through the services the phase pages use, with their messages."""

import pytest
from django.urls import reverse

from microcred.api.models import ApiToken
from microcred.plans.models import Plan
from microcred.plans.record_rows import save_record
from microcred.review.services import submit_for_review
from planning.models import PriceTier

pytestmark = pytest.mark.django_db

WRITE = {"scope": ApiToken.Scope.READ_WRITE}


def rows_url(plan, key):
    return reverse("api:record_rows", kwargs={"pk": plan.pk, "question_key": key})


def row_url(plan, key, row_id):
    return reverse("api:record_row", kwargs={"pk": plan.pk, "question_key": key, "row_id": row_id})


def move_url(plan, key, row_id):
    return reverse(
        "api:record_row_move", kwargs={"pk": plan.pk, "question_key": key, "row_id": row_id}
    )


def tier_fields(**changes):
    fields = {"name": "Member", "audience": "member", "price": "245.00", "valid_from": "2027-09-01"}
    fields.update(changes)
    return fields


@pytest.fixture
def tiers(record_set_question):
    return record_set_question("planning.price_tiers")


def add_tier(plan, tiers, user, **changes):
    return save_record(plan=plan, question=tiers, data=tier_fields(**changes), user=user).record


@pytest.fixture
def writer(as_bearer, editor):
    return as_bearer(editor, **WRITE)


def test_rows_come_in_order_with_their_fields_as_the_plan_file_has_them(
    as_bearer, plan, tiers, owner, viewer
):
    first = add_tier(plan, tiers, owner)
    second = add_tier(plan, tiers, owner, name="Public", audience="non_member", price="395")
    response = as_bearer(viewer).get(rows_url(plan, tiers.key))
    assert response.status_code == 200
    body = response.json()
    assert {k: v for k, v in body.items() if k != "rows"} == {
        "question_key": tiers.key,
        "record_type": "planning.price_tiers",
        "label": "Price tiers",
        "row_name": "price tier",
        "ordered": False,
        "max_rows": 50,
        "field_names": [
            "name",
            "audience",
            "audience_other",
            "price",
            "seats",
            "valid_from",
            "valid_to",
            "currency",
        ],
    }
    assert [row["id"] for row in body["rows"]] == [first.pk, second.pk]
    assert body["rows"][1] == {
        "id": second.pk,
        "position": 2,
        "revision": 1,
        "updated_at": body["rows"][1]["updated_at"],
        "updated_by": "Olivia Owner",
        "fields": {
            "name": "Public",
            "audience": "non_member",
            "audience_other": "",
            "price": "395.00",
            "seats": None,
            "valid_from": "2027-09-01",
            "valid_to": None,
            "currency": "USD",
        },
    }


def test_links_to_other_rows_are_their_ids(as_bearer, plan, record_set_question, owner, viewer):
    platforms = record_set_question("delivery.platforms")
    lms = {"product": "Moodle", "vendor": "Moodle", "role": "learning_management"}
    first = save_record(plan=plan, question=platforms, data=lms, user=owner).record
    data = {"product": "Credly", "vendor": "Pearson", "role": "credentialing"}
    data |= {"integrates_with": [str(first.pk)], "integration_status": "planned"}
    second = save_record(plan=plan, question=platforms, data=data, user=owner).record
    rows = as_bearer(viewer).get(rows_url(plan, platforms.key)).json()["rows"]
    assert [row["fields"]["integrates_with"] for row in rows] == [[], [first.pk]]
    assert rows[1]["id"] == second.pk


def test_reading_rows_takes_as_many_queries_for_many_rows_as_for_one(
    as_bearer, plan, record_set_question, owner, viewer, django_assert_max_num_queries
):
    platforms = record_set_question("delivery.platforms")
    client = as_bearer(viewer)
    lms = {"product": "Moodle", "vendor": "Moodle", "role": "learning_management"}
    first = save_record(plan=plan, question=platforms, data=lms, user=owner).record
    with django_assert_max_num_queries(7):  # token, its use, plan, question, rows, links
        assert len(client.get(rows_url(plan, platforms.key)).json()["rows"]) == 1
    for number in range(10):
        data = {**lms, "product": f"Tool {number}", "integrates_with": [str(first.pk)]}
        data["integration_status"] = "built"
        save_record(plan=plan, question=platforms, data=data, user=owner)
    with django_assert_max_num_queries(6):  # the token's use is noted once a minute
        assert len(client.get(rows_url(plan, platforms.key)).json()["rows"]) == 11


def test_a_question_that_is_no_table_is_a_404_that_says_so(as_bearer, plan, question, viewer):
    response = as_bearer(viewer).get(rows_url(plan, question.key))
    assert response.status_code == 404
    assert response.json() == {"detail": "Question business_case does not hold a table of rows."}
    response = as_bearer(viewer).get(rows_url(plan, "no_such_question"))
    assert response.json() == {"detail": "This plan has no question “no_such_question”."}


def test_a_stranger_gets_404_and_a_viewer_may_not_add(as_bearer, plan, tiers, outsider, viewer):
    response = as_bearer(outsider).get(rows_url(plan, tiers.key))
    assert response.status_code == 404
    response = as_bearer(viewer, **WRITE).post(
        rows_url(plan, tiers.key), {"fields": tier_fields()}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "You can read this plan but not change its answers."}
    assert not PriceTier.objects.exists()


def test_adding_a_row_answers_201_with_its_location_and_etag(writer, plan, tiers, editor):
    response = writer.post(rows_url(plan, tiers.key), {"fields": tier_fields()}, format="json")
    assert response.status_code == 201, response.content
    row = PriceTier.objects.get()
    assert response["Location"] == "http://testserver" + row_url(plan, tiers.key, row.pk)
    assert response["ETag"] == '"1"'
    assert response.json()["fields"]["price"] == "245.00"
    assert (row.name, row.updated_by, row.position) == ("Member", editor, 1)
    assert plan.answers.get(question=tiers).value == 1


def test_a_row_its_form_refuses_is_a_400_with_the_pages_messages(writer, plan, tiers):
    response = writer.post(
        rows_url(plan, tiers.key), {"fields": tier_fields(price="-5")}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The price tier was not added: Price (USD): An amount cannot be negative.",
        "errors": {"fields": {"price": ["An amount cannot be negative."]}},
    }
    assert not PriceTier.objects.exists()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"colour": "red"}, {"colour": ["Price tiers have no field “colour”."]}),
        ({"name": ["a"]}, {"name": ["Expected a string, a number or null."]}),
        ({"name": True}, {"name": ["Expected a string, a number or null."]}),
        ({"seats": {"n": 1}}, {"seats": ["Expected a string, a number or null."]}),
    ],
)
def test_fields_of_the_wrong_name_or_type_are_refused(writer, plan, tiers, fields, errors):
    response = writer.post(rows_url(plan, tiers.key), {"fields": tier_fields(**fields)}, "json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"fields": errors}


def test_a_link_must_be_an_id_of_a_row_of_the_plan(writer, plan, record_set_question, owner):
    forecast = record_set_question("planning.candidate_forecast")
    other_plan_tier = add_tier(
        Plan.objects.create(
            title="Other",
            organization=plan.organization,
            template_version=plan.template_version,
            created_by=owner,
        ),
        record_set_question("planning.price_tiers"),
        owner,
    )
    for link, error in [
        ("1", "Expected a row's id or null."),
        (
            other_plan_tier.pk,
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ]:
        fields = {"year": 1, "price_tier": link, "candidates": 10}
        response = writer.post(rows_url(plan, forecast.key), {"fields": fields}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["fields"]["price_tier"] == [error]


def test_a_full_table_refuses_another_row_with_the_pages_message(
    writer, plan, record_set_question, owner
):
    rule = record_set_question("operations.recertification_rule")
    fields = {"period_months": 36, "method": "re_exam"}
    save_record(plan=plan, question=rule, data=fields, user=owner)
    response = writer.post(rows_url(plan, rule.key), {"fields": fields}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Recertification rule holds one recertification rule: change the one there."
    }


def test_a_locked_plan_refuses_changes_with_its_reason(writer, plan, tiers, owner):
    row = add_tier(plan, tiers, owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    response = writer.patch(
        row_url(plan, tiers.key, row.pk), {"revision": 1, "fields": {"name": "X"}}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This plan is in review: its answers are locked until a reviewer requests "
        "changes or approves it."
    }


def test_one_row_with_its_etag(as_bearer, plan, tiers, owner, viewer):
    row = add_tier(plan, tiers, owner)
    response = as_bearer(viewer).get(row_url(plan, tiers.key, row.pk))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["fields"]["name"] == "Member"
    missing = as_bearer(viewer).get(row_url(plan, tiers.key, row.pk + 100))
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No such price tier in this table."}


def test_patch_changes_the_fields_sent_and_keeps_the_others(writer, plan, tiers, owner):
    row = add_tier(plan, tiers, owner, valid_to="2028-08-31")
    response = writer.patch(
        row_url(plan, tiers.key, row.pk), {"revision": 1, "fields": {"price": 250}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    fields = response.json()["fields"]
    assert (fields["price"], fields["name"], fields["valid_to"]) == (
        "250.00",
        "Member",
        "2028-08-31",
    )
    assert response.json()["revision"] == 2


def test_put_replaces_the_fields_and_empties_those_not_sent(writer, plan, tiers, owner):
    row = add_tier(plan, tiers, owner, valid_to="2028-08-31")
    fields = tier_fields(name="Members")
    response = writer.put(
        row_url(plan, tiers.key, row.pk), {"revision": 1, "fields": fields}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["fields"]["valid_to"] is None
    row.refresh_from_db()
    assert (row.name, row.valid_to, row.revision) == ("Members", None, 2)


def test_a_change_needs_the_revision_it_starts_from(writer, plan, tiers, owner):
    row = add_tier(plan, tiers, owner)
    response = writer.patch(row_url(plan, tiers.key, row.pk), {"fields": {}}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "revision": [
            "Send the revision the change starts from (“revision”, or an If-Match header), so "
            "that a change made meanwhile is not overwritten."
        ]
    }


def test_a_stale_revision_is_a_409_that_says_who_changed_the_row_and_when(
    writer, plan, tiers, owner
):
    row = add_tier(plan, tiers, owner)
    save_record(
        plan=plan,
        question=tiers,
        data=tier_fields(name="Theirs"),
        user=owner,
        record_id=row.pk,
        base_revision=1,
    )
    response = writer.patch(
        row_url(plan, tiers.key, row.pk), {"revision": 1, "fields": {"name": "Mine"}}, "json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("Olivia Owner changed this price tier at ")
    assert (body["revision"], body["updated_by"]) == (2, "Olivia Owner")
    assert PriceTier.objects.get().name == "Theirs"


def test_a_stale_if_match_is_a_412(writer, plan, tiers, owner):
    row = add_tier(plan, tiers, owner)
    url = row_url(plan, tiers.key, row.pk)
    fresh = writer.patch(url, {"fields": {"name": "A"}}, format="json", headers={"If-Match": '"1"'})
    assert fresh.status_code == 200, fresh.content
    stale = writer.patch(url, {"fields": {"name": "B"}}, format="json", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["revision"] == 2
    unknown = writer.patch(url, {"fields": {}}, format="json", headers={"If-Match": '"x"'})
    assert unknown.status_code == 412
    assert unknown.json() == {"detail": "If-Match names no revision of this row: send its ETag."}


def test_delete_takes_the_revision_and_refuses_a_stale_one(writer, plan, tiers, owner):
    row = add_tier(plan, tiers, owner)
    url = row_url(plan, tiers.key, row.pk)
    assert writer.delete(url).status_code == 400
    stale = writer.delete(f"{url}?revision=0")
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Olivia Owner changed this price tier at ")
    assert writer.delete(url, headers={"If-Match": '"1"'}).status_code == 204
    assert not PriceTier.objects.exists()
    assert plan.answers.get(question=tiers).value is None
    assert writer.delete(f"{url}?revision=1").status_code == 404


@pytest.fixture
def stack(record_set_question, plan, owner):
    question = record_set_question("design.stack_components")
    rows = [
        save_record(
            plan=plan,
            question=question,
            data={"title": title, "requirement": "required", "learning_hours": "10"},
            user=owner,
        ).record
        for title in ("One", "Two", "Three")
    ]
    return question, rows


def titles(response):
    assert response.status_code == 200, response.content
    return [row["fields"]["title"] for row in response.json()["rows"]]


def test_a_row_moves_one_place_or_to_a_position(writer, plan, stack):
    question, (one, two, three) = stack
    assert titles(writer.post(move_url(plan, question.key, one.pk), {"step": 1}, "json")) == [
        "Two",
        "One",
        "Three",
    ]
    assert titles(writer.post(move_url(plan, question.key, three.pk), {"position": 1}, "json")) == [
        "Three",
        "Two",
        "One",
    ]
    # Past the end, as the page's button on the last row: nothing moves.
    assert titles(writer.post(move_url(plan, question.key, one.pk), {"step": 1}, "json")) == [
        "Three",
        "Two",
        "One",
    ]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"non_field_errors": ["Send either “step” or “position”."]}),
        ({"step": 1, "position": 2}, {"non_field_errors": ["Send either “step” or “position”."]}),
        ({"step": 2}, {"step": ['"2" is not a valid choice.']}),
        ({"position": 4}, {"position": ["Choose a position from 1 to 3."]}),
        ({"step": 1, "jump": 1}, {"jump": ["Unknown field."]}),
    ],
)
def test_a_move_needs_a_step_or_a_position_within_the_table(writer, plan, stack, body, errors):
    question, (one, _, _) = stack
    response = writer.post(move_url(plan, question.key, one.pk), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors


def test_rows_whose_order_means_nothing_do_not_move(writer, plan, tiers, owner):
    row = add_tier(plan, tiers, owner)
    response = writer.post(move_url(plan, tiers.key, row.pk), {"step": 1}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "The order of price tiers means nothing to change."}


@pytest.mark.parametrize(
    ("record_type", "fields"),
    [
        ("planning.candidate_forecast", {"year": 1, "price_tier": 2**70, "candidates": 2**70}),
        ("planning.price_tiers", tier_fields(price=1e308, seats=-1, valid_from="2027-13-45")),
        ("planning.price_tiers", tier_fields(name="x" * 100_000, price="NaN")),
        ("planning.price_tiers", tier_fields(name="nul\x00", currency="XXX", price=12.5)),
        ("delivery.platforms", {"product": "P", "role": "testing", "integrates_with": [2**70]}),
        ("planning.cost_lines", {"item": "Room", "every_year": None}),
    ],
)
def test_wild_values_are_400s_that_change_nothing(
    writer, plan, record_set_question, record_type, fields
):
    question = record_set_question(record_type)
    response = writer.post(rows_url(plan, question.key), {"fields": fields}, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"detail", "errors"}
    assert not plan.answers.filter(question=question).exists()


def test_a_row_id_past_any_database_integer_is_a_404(writer, plan, tiers):
    url = row_url(plan, tiers.key, 2**70)
    assert writer.get(url).status_code == 404
    assert writer.delete(url, headers={"If-Match": '"1"'}).status_code == 404
    assert writer.post(move_url(plan, tiers.key, 2**70), {"step": 1}, "json").status_code == 404
