"""GET /api/v1/plans/<id>/content/: the plan's full content, the document "Download as
JSON" gives (one function makes both), described in the OpenAPI schema by the plan file's
own JSON Schema."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator, FormatChecker
from openapi_schema_validator import OAS30Validator

from microcred.api.content_schema import openapi_schema, plan_file_components
from microcred.comments.services import add_comment
from microcred.records.registry import REGISTRY
from microcred.transfer.plan_json import plan_schema
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def content_url(plan):
    return reverse("api:plan_content", kwargs={"pk": plan.pk})


def without_time(document):
    return {key: value for key, value in document.items() if key != "exported_at"}


def openapi_validator():
    components = plan_file_components()
    return OAS30Validator({**components["PlanFile"], "components": {"schemas": components}})


def test_the_content_is_the_json_download(as_bearer, client, demo_plan, superuser):
    response = as_bearer(superuser).get(content_url(demo_plan))
    assert response.status_code == 200
    client.force_login(superuser)
    download = client.get(reverse("transfer:json_download", kwargs={"plan_id": demo_plan.pk}))
    document = response.json()
    assert without_time(document) == without_time(download.json())
    assert document["format"] == "microcred-plan"
    assert document["format_version"] == 1
    assert document["answers"] and document["record_sets"]
    assert "comments" not in document


@pytest.mark.parametrize(
    "query",
    [{}, {"comments": "true", "unanswered": "true", "archived": "true"}, {"phases": "first"}],
)
def test_the_content_follows_the_plan_files_schema_and_its_openapi_form(
    as_bearer, demo_plan, superuser, query
):
    if query.get("phases"):
        query = {"phases": demo_plan.template_version.phases.first().slug}
    document = as_bearer(superuser).get(content_url(demo_plan), query).json()
    Draft202012Validator(plan_schema(), format_checker=FormatChecker()).validate(document)
    openapi_validator().validate(document)


def test_the_options_choose_what_the_document_holds(as_bearer, plan, owner, question):
    add_comment(plan=plan, phase=question.phase, question=question, user=owner, body="Why?")
    client = as_bearer(owner)
    plain = client.get(content_url(plan)).json()
    assert plain["options"] == {
        "comments": False,
        "phases": [],
        "unanswered": False,
        "archived": False,
    }
    assert plain["answers"] == []
    full = client.get(
        content_url(plan), {"comments": "1", "unanswered": "yes", "phases": question.phase.slug}
    ).json()
    assert full["options"]["phases"] == [question.phase.slug]
    assert {answer["phase"] for answer in full["answers"]} == {question.phase.slug}
    assert any(answer["question"] == question.key for answer in full["answers"])
    assert [comment["body"] for comment in full["comments"]] == ["Why?"]
    assert full["review_rounds"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [({"phases": "nowhere"}, "phases"), ({"comments": "maybe"}, "comments")],
)
def test_an_option_that_is_not_valid_is_a_400(as_bearer, plan, owner, query, field):
    response = as_bearer(owner).get(content_url(plan), query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_who_reads_the_content(as_bearer, plan, viewer, reviewer, outsider):
    assert as_bearer(viewer).get(content_url(plan)).status_code == 200
    assert as_bearer(reviewer).get(content_url(plan)).status_code == 200
    hidden = as_bearer(outsider).get(content_url(plan))
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": "No such plan."}


# The token; the plan and the user's roles; the phases of the options; plan_document's
# own (its questions, the owner, answers, and one per record type and many-to-many field).
CONTENT_QUERIES = 40


def queries_of(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def grow(plan, owner):
    """Twice the plan's rows in every table, and a few more comments."""
    for record_type in REGISTRY.values():
        for row in list(record_type.model._default_manager.filter(plan=plan)):
            row.pk = row.id = None
            row.save()
    phase = plan.template_version.phases.first()
    for number in range(3):
        add_comment(plan=plan, phase=phase, user=owner, body=f"Note {number}")


def test_the_content_takes_the_same_queries_whatever_the_plans_size(
    as_bearer, demo_plan, superuser
):
    small = PlanFactory(template_version=demo_plan.template_version)
    client = as_bearer(superuser)
    client.get(reverse("api:plan_list"))  # the token's last use noted, out of the count
    query = {"comments": "true", "unanswered": "true", "archived": "true"}
    demo = queries_of(client, content_url(demo_plan), query)
    # An empty table's many-to-many fields are not fetched: fewer, never more.
    assert queries_of(client, content_url(small), query) <= demo <= CONTENT_QUERIES
    grow(demo_plan, superuser)
    assert queries_of(client, content_url(demo_plan), query) == demo


def test_the_openapi_schema_refers_to_the_plan_files_components(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    ok = schema["paths"]["/api/v1/plans/{id}/content/"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PlanFile"}
    components = schema["components"]["schemas"]
    assert set(plan_schema()["properties"]) == set(components["PlanFile"]["properties"])
    answer = components["PlanFileAnswer"]
    assert answer["discriminator"]["propertyName"] == "kind"
    assert set(answer["discriminator"]["mapping"]) == set(plan_schema()["$defs"]["kind"]["enum"])


def test_the_conversion_says_what_openapi_3_0_can_say():
    assert openapi_schema({"const": 1}) == {"enum": [1]}
    assert openapi_schema(True) == {}
    assert openapi_schema({"type": ["string", "null"], "maxLength": 3}) == {
        "type": "string",
        "maxLength": 3,
        "nullable": True,
    }
    assert openapi_schema({"type": ["string", "array", "null"], "maxLength": 3, "maxItems": 2}) == {
        "anyOf": [
            {"type": "string", "maxLength": 3, "nullable": True},
            {"type": "array", "maxItems": 2},
        ]
    }
    assert openapi_schema({"$ref": "#/$defs/row_id"}) == {
        "$ref": "#/components/schemas/PlanFileRowId"
    }


def test_a_schema_the_conversion_does_not_understand_is_refused():
    with pytest.raises(ValueError, match="if/then"):
        openapi_schema({"if": {"const": 1}, "then": {}})
    with pytest.raises(ValueError, match="references to"):
        openapi_schema({"$ref": "https://example.org/other.json"})
    broken = copy.deepcopy(plan_schema()["$defs"]["answer"])
    broken["allOf"][0]["if"]["properties"]["kind"] = {"enum": ["a", "b"]}
    with pytest.raises(ValueError, match="const"):
        openapi_schema(broken, variants={}, name="PlanFileAnswer")
