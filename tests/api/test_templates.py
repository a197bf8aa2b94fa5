"""/api/v1/templates/: the template versions plans can be on, and one version's phases and
questions, numbered as the pages number them."""

import pytest
from django.urls import reverse

from microcred.questionnaires.models import Question, TemplateVersion
from microcred.questionnaires.versions import create_draft, publish_version

pytestmark = pytest.mark.django_db

TEMPLATES = reverse("api:template_list")


def detail_url(number):
    return reverse("api:template_detail", kwargs={"number": number})


@pytest.fixture
def versions(template_version):
    """The default version retired by a newer one published, and a draft after it."""
    published = publish_version(version=create_draft(source=template_version))
    draft = create_draft(source=published)
    template_version.refresh_from_db()
    return template_version, published, draft


def test_the_list_has_the_published_and_retired_versions_not_drafts(as_bearer, outsider, versions):
    retired, published, _draft = versions
    body = as_bearer(outsider).get(TEMPLATES).json()
    assert body["count"] == 2
    assert [(item["number"], item["status"], item["phase_count"]) for item in body["results"]] == [
        (published.number, "published", 6),
        (retired.number, "retired", 6),
    ]
    first = body["results"][0]
    assert first["name"] == "Phases of Microcredential Development"
    assert first["published_at"] == published.published_at.isoformat().replace("+00:00", "Z")
    assert first["url"] == f"http://testserver{detail_url(published.number)}"


def test_a_draft_or_unknown_version_is_a_404(as_bearer, outsider, versions):
    client = as_bearer(outsider)
    _retired, _published, draft = versions
    for number in (draft.number, 999):
        response = client.get(detail_url(number))
        assert response.status_code == 404
        assert response.json() == {"detail": "No such template version."}


def test_a_retired_version_is_still_described(as_bearer, outsider, versions):
    retired, _published, _draft = versions
    body = as_bearer(outsider).get(detail_url(retired.number)).json()
    assert (body["number"], body["status"]) == (retired.number, "retired")


def test_anonymous_gets_a_401(api_client, template_version):
    for url in (TEMPLATES, detail_url(template_version.number)):
        assert api_client.get(url).status_code == 401


@pytest.fixture
def outline(as_bearer, outsider, template_version):
    response = as_bearer(outsider).get(detail_url(template_version.number))
    assert response.status_code == 200
    return response.json()


def questions_by_key(outline):
    return {
        question["key"]: question for phase in outline["phases"] for question in phase["questions"]
    }


def test_the_phases_come_in_order_with_their_questions_in_reading_order(outline, template_version):
    assert [(phase["order"], phase["slug"]) for phase in outline["phases"]] == list(
        template_version.phases.order_by("order").values_list("order", "slug")
    )
    planning = outline["phases"][0]
    assert planning["title"] == "Strategic Planning"
    assert planning["intro"].startswith("Strategic planning decides whether a microcredential")
    assert [(q["key"], q["number"], q["parent"]) for q in planning["questions"][:4]] == [
        ("business_case", "1", None),
        ("business_case_drivers", "1.1", "business_case"),
        ("stakeholders_and_input", "2", None),
        ("stakeholders", "2.1", "stakeholders_and_input"),
    ]
    keys = [q["key"] for phase in outline["phases"] for q in phase["questions"]]
    assert len(keys) == template_version.questions.count()
    reflection = questions_by_key(outline)["delivery_reflection"]
    assert (reflection["is_reflection"], reflection["number"], reflection["depth"]) == (True, "", 0)


def test_a_question_says_its_kind_choices_and_condition(outline):
    questions = questions_by_key(outline)
    drivers = questions["business_case_drivers"]
    assert drivers == {
        "key": "business_case_drivers",
        "parent": "business_case",
        "number": "1.1",
        "depth": 1,
        "text": "To drive revenue, volume, or other?",
        "help_text": "",
        "kind": "multiple_choice",
        "choices": ["Revenue", "Volume"],
        "allow_other": True,
        "required": False,
        "explanation_required": False,
        "is_reflection": False,
        "condition": None,
        "record_type": None,
    }
    assert questions["business_case"]["required"] is True
    assert questions["stackable_requirements"]["condition"] == {
        "question": "credential_model",
        "values": ["Stackable"],
        "text": "Applies when the answer to “What is the model for microcredential program?” "
        "is “Stackable”.",
    }


def test_a_record_set_question_describes_its_table(outline):
    table = questions_by_key(outline)["stakeholders"]
    assert table["kind"] == "record_set"
    record_type = table["record_type"]
    assert {key: record_type[key] for key in ("name", "label", "row_name", "single_row")} == {
        "name": "planning.stakeholders",
        "label": "Stakeholders",
        "row_name": "stakeholder",
        "single_row": False,
    }
    fields = {field["name"]: field for field in record_type["fields"]}
    assert fields["name"] == {
        "name": "name",
        "label": "Name or group",
        "type": "text",
        "required": True,
        "choices": [],
        "links_to": None,
    }
    assert fields["side"]["type"] == "choice"
    assert fields["side"]["choices"] == [
        {"value": "internal", "label": "Internal"},
        {"value": "external", "label": "External"},
    ]
    assert fields["consulted_from"]["type"] == "date"
    assert record_type["columns"][0] == {
        "field": "name",
        "heading": "Name or group",
        "numeric": False,
    }
    forecast = questions_by_key(outline)["candidate_forecast"]["record_type"]
    tier = next(field for field in forecast["fields"] if field["name"] == "price_tier")
    assert (tier["type"], tier["links_to"]) == ("row", "planning.price_tiers")


def test_the_list_takes_a_constant_number_of_queries(
    as_bearer, outsider, versions, django_assert_max_num_queries
):
    client = as_bearer(outsider)
    with django_assert_max_num_queries(4) as few:
        client.get(TEMPLATES)
    for _ in range(3):
        publish_version(version=create_draft(source=TemplateVersion.objects.order_by("-number")[0]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(TEMPLATES).json()
    assert body["count"] == 5


def test_a_version_takes_a_constant_number_of_queries_whatever_its_size(
    as_bearer, outsider, template_version, django_assert_max_num_queries
):
    small = create_draft(source=template_version)
    Question.objects.filter(version=small).exclude(phase__slug="delivery").delete()
    TemplateVersion.objects.filter(pk=small.pk).update(status=TemplateVersion.Status.RETIRED)
    client = as_bearer(outsider)
    with django_assert_max_num_queries(5) as few:
        small_outline = client.get(detail_url(small.number)).json()
    with django_assert_max_num_queries(len(few.captured_queries)):
        full = client.get(detail_url(template_version.number)).json()
    assert sum(len(p["questions"]) for p in small_outline["phases"]) < 10
    assert sum(len(p["questions"]) for p in full["phases"]) > 80


def test_a_one_row_table_says_it_holds_one_row(outline):
    # As the plan's own table says it (GET .../records/recertification_rule/).
    record_type = questions_by_key(outline)["recertification_rule"]["record_type"]
    assert (record_type["single_row"], record_type["max_rows"]) == (True, 1)
