"""GET /api/v1/plans/ and /api/v1/plans/<id>/: the plans one may see, as on the site."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.api.models import ApiToken
from microcred.organizations.models import OrganizationMembership
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan, PlanMembership
from microcred.plans.readiness_checks import readiness_by_phase
from microcred.questionnaires.models import TemplateVersion
from tests.factories import PlanFactory, UserFactory, add_member, add_to_organization

pytestmark = pytest.mark.django_db

PLANS = reverse("api:plan_list")


def detail_url(plan):
    return reverse("api:plan_detail", kwargs={"pk": plan.pk})


def titles(response):
    assert response.status_code == 200, response.content
    return [plan["title"] for plan in response.json()["results"]]


@pytest.fixture
def person(plan, owner, editor, viewer, reviewer, outsider, superuser):
    """The user of each persona of the table below, by name."""
    Role = OrganizationMembership.Role
    org_admin = UserFactory(username="orgadmin")
    add_to_organization(org_admin, Role.ADMIN)
    other_org_admin = UserFactory(username="otheradmin")
    add_to_organization(other_org_admin, Role.ADMIN, "Southgate College")
    return {
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "reviewer": reviewer,
        "outsider": outsider,
        "superuser": superuser,
        "org_admin": org_admin,
        "other_org_admin": other_org_admin,
    }


# persona: (sees the plan, its viewer_role)
TABLE = {
    "owner": (True, "owner"),
    "editor": (True, "editor"),
    "viewer": (True, "viewer"),
    "reviewer": (True, "reviewer"),
    "org_admin": (True, "organization_admin"),
    "superuser": (True, None),
    "outsider": (False, None),
    "other_org_admin": (False, None),
}


@pytest.mark.parametrize("persona", list(TABLE))
def test_who_sees_the_plan_through_a_read_only_token(as_bearer, plan, person, persona):
    sees, role = TABLE[persona]
    client = as_bearer(person[persona])
    listed = client.get(PLANS).json()["results"]
    detail = client.get(detail_url(plan))
    if sees:
        assert [item["id"] for item in listed] == [plan.pk]
        assert listed[0]["viewer_role"] == role
        assert detail.status_code == 200
        assert detail.json()["viewer_role"] == role
    else:
        assert listed == []
        assert detail.status_code == 404
        assert set(detail.json()) == {"detail"}


def test_anonymous_gets_401_from_both(api_client, plan):
    assert api_client.get(PLANS).status_code == 401
    assert api_client.get(detail_url(plan)).status_code == 401


def test_a_plan_that_does_not_exist_is_the_same_404_as_one_not_seen(as_bearer, plan, outsider):
    client = as_bearer(outsider)
    hidden = client.get(detail_url(plan))
    missing = client.get(reverse("api:plan_detail", kwargs={"pk": plan.pk + 1000}))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert set(hidden.json()) == {"detail"}


def test_the_session_authenticates_too(client, plan, viewer):
    client.force_login(viewer)
    assert client.get(detail_url(plan)).json()["title"] == plan.title


def test_the_detail_says_what_the_plan_is_and_how_far_each_phase_is(
    as_bearer, plan, owner, question
):
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=owner)
    body = as_bearer(owner).get(detail_url(plan)).json()
    assert body["title"] == plan.title
    assert body["organization"] == {"name": plan.organization.name, "slug": plan.organization.slug}
    assert body["status"] == "draft"
    assert body["currency"] == plan.currency
    assert body["template_version"] == plan.template_version.number
    assert {"created_at", "updated_at"} <= set(body)
    phases = plan.template_version.phases.order_by("order")
    assert [phase["slug"] for phase in body["phases"]] == [phase.slug for phase in phases]
    answered = next(p for p in body["phases"] if p["slug"] == question.phase.slug)
    assert answered["answered"] == 1
    assert answered["total"] >= 1
    problems = readiness_by_phase(plan)
    for phase in body["phases"]:
        assert phase["problem_count"] == len(problems.get(phase["slug"], []))
        assert phase["ready"] is (phase["problem_count"] == 0)


@pytest.fixture
def plans_of(template_version, owner):
    def make(count, **fields):
        return [
            PlanFactory(template_version=template_version, created_by=owner, **fields)
            for _ in range(count)
        ]

    return make


def test_the_list_is_paginated_with_page_size_capped_at_100(as_bearer, owner, plans_of):
    plans_of(3)
    client = as_bearer(owner)
    body = client.get(PLANS, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"] is None
    assert len(client.get(PLANS, {"page": 2, "page_size": 2}).json()["results"]) == 1
    assert client.get(PLANS, {"page": 3, "page_size": 2}).status_code == 404
    plans_of(100)
    assert len(client.get(PLANS, {"page_size": 100}).json()["results"]) == 100


@pytest.mark.parametrize(
    "query, message",
    [
        ({"page_size": 101}, {"page_size": ["A whole number from 1 to 100."]}),
        ({"page_size": "0.5"}, {"page_size": ["A whole number from 1 to 100."]}),
        ({"page": "0"}, {"page": ["A whole number from 1."]}),
        ({"page": "last"}, {"page": ["A whole number from 1."]}),
    ],
)
def test_a_page_or_size_out_of_bounds_is_a_400_that_says_so(as_bearer, owner, query, message):
    response = as_bearer(owner).get(PLANS, query)
    assert response.status_code == 400
    assert response.json()["errors"] == message


def test_the_list_filters_searches_and_orders(as_bearer, owner, plans_of):
    alpha, beta = plans_of(1, title="Alpha analytics") + plans_of(1, title="Beta basics")
    gamma = plans_of(1, title="Gamma", organization="Southgate College")[0]
    add_to_organization(owner, OrganizationMembership.Role.PROGRAM_MANAGER, "Southgate College")
    Plan.objects.filter(pk=beta.pk).update(status=Plan.Status.APPROVED)
    long_ago = timezone.now() - timedelta(days=30)
    Plan.objects.filter(pk=alpha.pk).update(updated_at=long_ago)
    client = as_bearer(owner)
    assert titles(client.get(PLANS, {"ordering": "title"})) == [
        "Alpha analytics",
        "Beta basics",
        "Gamma",
    ]
    assert titles(client.get(PLANS, {"ordering": "-title"})) == [
        "Gamma",
        "Beta basics",
        "Alpha analytics",
    ]
    assert titles(client.get(PLANS, {"ordering": "updated_at"}))[0] == "Alpha analytics"
    assert titles(client.get(PLANS, {"search": "BASIC"})) == ["Beta basics"]
    assert titles(client.get(PLANS, {"status": "approved"})) == ["Beta basics"]
    assert titles(client.get(PLANS, {"organization": gamma.organization.slug})) == ["Gamma"]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert "Alpha analytics" not in titles(client.get(PLANS, {"updated_since": since}))


def test_archived_plans_are_listed_only_when_asked_for(as_bearer, owner, plans_of):
    kept, archived = plans_of(2)
    Plan.objects.filter(pk=archived.pk).update(status=Plan.Status.ARCHIVED)
    client = as_bearer(owner)
    assert titles(client.get(PLANS)) == [kept.title]
    assert titles(client.get(PLANS, {"status": "archived"})) == [archived.title]


def test_the_list_filters_by_template_version(as_bearer, owner, plans_of, template_version):
    older = plans_of(1, title="On the older version")[0]
    newer_version = TemplateVersion.objects.create(number=template_version.number + 1, name="Next")
    Plan.objects.filter(pk=plans_of(1, title="On the newer one")[0].pk).update(
        template_version=newer_version
    )
    client = as_bearer(owner)
    assert titles(client.get(PLANS, {"template_version": newer_version.number})) == [
        "On the newer one"
    ]
    assert titles(client.get(PLANS, {"template_version": template_version.number})) == [older.title]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"ordering": "pk"},
        {"updated_since": "yesterday"},
        {"template_version": "latest"},
    ],
)
def test_a_filter_that_is_not_a_choice_is_a_400_with_the_reasons(as_bearer, owner, query):
    response = as_bearer(owner).get(PLANS, query)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request's data is not valid."
    assert set(body["errors"]) == set(query)


# The token; the page's count, its plans, their owners.
LIST_QUERIES = 4
DETAIL_QUERIES = 15


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_queries_whatever_the_number_of_plans(
    as_bearer, owner, editor, plans_of, count, django_assert_num_queries
):
    for plan in plans_of(count):
        add_member(plan, editor, PlanMembership.Role.EDITOR)
    client = as_bearer(owner, scope=ApiToken.Scope.READ)
    client.get(PLANS)  # the token's last use noted, out of the count
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get(PLANS, {"page_size": 100}).json()["results"]) == count


@pytest.mark.parametrize("answers", [0, 1])
def test_the_detail_takes_a_fixed_number_of_queries(
    as_bearer, plan, owner, question, answers, django_assert_num_queries
):
    if answers:
        save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=owner)
    client = as_bearer(owner)
    client.get(PLANS)
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(detail_url(plan)).status_code == 200


def test_the_detail_has_the_settings_too(as_bearer, plan, owner):
    plan.summary = "Short."
    plan.discount_rate = 8
    plan.save()
    body = as_bearer(owner).get(detail_url(plan)).json()
    assert (body["summary"], body["discount_rate"]) == ("Short.", "8.00")


def test_the_schema_describes_the_writes_and_their_errors(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    create = schema["paths"]["/api/v1/plans/"]["post"]
    # Besides those every operation lists (schema.COMMON_ERRORS: 400, 401, 403, 404, 429).
    assert set(create["responses"]) == {"201", "400", "401", "403", "404", "429"}
    assert list(create["requestBody"]["content"]) == ["application/json"]
    change = schema["paths"]["/api/v1/plans/{id}/"]["patch"]
    assert set(change["responses"]) == {"200", "400", "401", "403", "404", "409", "429"}
    put = schema["paths"]["/api/v1/plans/{id}/answers/{question_key}/"]["put"]
    assert set(put["responses"]) == {"200", "400", "401", "403", "404", "409", "412", "428", "429"}
