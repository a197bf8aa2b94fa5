"""POST /api/v1/plans/ and PATCH /api/v1/plans/<id>/: a new plan and a plan's settings,
with the rules and messages of the New plan and Settings pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from microcred.api.models import ApiToken
from microcred.api.views import UNKNOWN_ORGANIZATION
from microcred.organizations.models import Organization, OrganizationMembership
from microcred.organizations.services import not_a_planner_of
from microcred.plans.models import Plan, PlanMembership
from microcred.plans.permissions import plan_access
from microcred.plans.services import latest_published_version
from microcred.questionnaires.models import TemplateVersion
from microcred.review.services import submit_for_review
from planning.models import PriceTier
from tests.factories import add_to_organization
from tests.planning.records_helpers import make_row

pytestmark = pytest.mark.django_db

PLANS = reverse("api:plan_list")
WRITE = ApiToken.Scope.READ_WRITE
NOT_A_WRITER = "You can read this plan but not change its answers."


def detail_url(plan_id):
    return reverse("api:plan_detail", kwargs={"pk": plan_id})


@pytest.fixture
def writer(as_bearer):
    def client_of(user):
        return as_bearer(user, scope=WRITE)

    return client_of


def test_a_new_plan_is_made_and_its_detail_returned(writer, owner, template_version):
    organization = Organization.objects.get(name="Northbridge Institute")
    response = writer(owner).post(
        PLANS,
        {"title": "Cloud Security", "organization": organization.slug, "summary": "Short."},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    plan = Plan.objects.get(pk=body["id"])
    assert response["Location"] == f"http://testserver{detail_url(plan.pk)}"
    assert (plan.title, plan.summary, plan.organization) == (
        "Cloud Security",
        "Short.",
        organization,
    )
    assert plan.template_version == latest_published_version()
    assert plan.currency == (organization.default_currency or "USD")
    assert PlanMembership.objects.get(plan=plan).user == owner
    assert body["viewer_role"] == "owner"
    assert body["status"] == "draft"
    assert body["template_version"] == plan.template_version.number
    assert body["discount_rate"] == "0.00"
    assert len(body["phases"]) == plan.template_version.phases.count()


def test_the_organization_is_named_by_slug_or_name_and_an_unknown_one_is_refused(
    writer, owner, template_version
):
    client = writer(owner)
    by_name = client.post(
        PLANS, {"title": "A", "organization": "northbridge institute"}, format="json"
    )
    assert by_name.json()["organization"]["name"] == "Northbridge Institute"
    slug = by_name.json()["organization"]["slug"]
    by_slug = client.post(PLANS, {"title": "B", "organization": slug}, format="json")
    assert by_slug.status_code == 201
    typo = client.post(PLANS, {"title": "C", "organization": f"{slug}-typo"}, format="json")
    assert typo.status_code == 400
    assert typo.json()["errors"] == {"organization": [UNKNOWN_ORGANIZATION]}
    assert not Organization.objects.filter(name__contains="typo").exists()


def test_one_who_does_not_plan_for_the_organization_gets_the_pages_message(
    writer, reviewer, template_version
):
    organization = Organization.objects.get(name="Northbridge Institute")
    response = writer(reviewer).post(
        PLANS, {"title": "Mine", "organization": organization.name}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request's data is not valid.",
        "errors": {"organization": [not_a_planner_of(organization)]},
    }
    assert not Plan.objects.filter(title="Mine").exists()


def test_a_template_version_is_chosen_by_its_number_if_published(writer, owner, template_version):
    client = writer(owner)
    response = client.post(
        PLANS,
        {"title": "A", "organization": "Northbridge Institute", "template_version": 99},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "template_version": ["Template version 99 is not published."]
    }
    chosen = client.post(
        PLANS,
        {
            "title": "A",
            "organization": "Northbridge Institute",
            "template_version": template_version.number,
        },
        format="json",
    )
    assert chosen.json()["template_version"] == template_version.number


def test_without_a_published_template_the_page_message_is_given(writer, owner, template_version):
    TemplateVersion.objects.update(status=TemplateVersion.Status.RETIRED)
    response = writer(owner).post(
        PLANS, {"title": "A", "organization": "Northbridge Institute"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "template_version": [
            "No question template is published yet. Ask a template admin to publish one."
        ]
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Two\nlines", "organization": "Northbridge Institute"}, "title"),
        ({"title": "", "organization": "Northbridge Institute"}, "title"),
        ({"title": "x" * 201, "organization": "Northbridge Institute"}, "title"),
        ({"title": "A", "organization": "  "}, "organization"),
        ({"title": "A", "organization": "Northbridge Institute", "currency": "XYZ"}, "currency"),
        ({"title": "A", "organization": "Northbridge Institute", "colour": "red"}, "colour"),
        ({"title": ["A"], "organization": "Northbridge Institute"}, "title"),
        ({"title": "A", "organization": "Northbridge Institute", "discount_rate": "1e9"}, None),
    ],
)
def test_bad_data_is_a_400_naming_the_field_and_makes_nothing(
    writer, owner, template_version, body, field
):
    before = Plan.objects.count()
    response = writer(owner).post(PLANS, body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors if field else errors
    assert Plan.objects.count() == before


def test_a_title_on_two_lines_gets_the_pages_message(writer, owner, template_version):
    response = writer(owner).post(
        PLANS, {"title": "Two\nlines", "organization": "Northbridge Institute"}, format="json"
    )
    assert response.json()["errors"]["title"] == [
        "The title must fit on one line: remove the line break."
    ]


def test_a_read_only_token_makes_no_plan(as_bearer, owner, template_version):
    response = as_bearer(owner).post(
        PLANS, {"title": "A", "organization": "Northbridge Institute"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}


# PATCH: the plan's settings.


def tier(plan, currency="USD"):
    return make_row(
        PriceTier,
        plan=plan,
        question=plan.template_version.questions.get(key="price_tiers"),
        name="Member",
        audience="member",
        price=Decimal(295),
        currency=currency,
    )


def test_an_editor_changes_only_the_settings_sent(writer, plan, editor):
    plan.summary = "Kept."
    plan.save()
    response = writer(editor).patch(
        detail_url(plan.pk), {"title": "Renamed", "discount_rate": "7.5"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["discount_rate"], body["summary"]) == ("Renamed", "7.50", "Kept.")
    assert body["viewer_role"] == "editor"
    plan.refresh_from_db()
    assert (plan.title, plan.discount_rate, plan.summary, plan.currency) == (
        "Renamed",
        Decimal("7.50"),
        "Kept.",
        "USD",
    )


def test_the_currency_does_not_change_while_rows_hold_amounts(writer, plan, owner):
    tier(plan)
    response = writer(owner).patch(detail_url(plan.pk), {"currency": "EUR"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "currency": [
            "The currency cannot change to EUR: 1 row of this plan has amounts in another "
            "currency (1 price tier), and amounts are never converted. Delete those rows "
            "first, or keep USD."
        ]
    }
    plan.refresh_from_db()
    assert plan.currency == "USD"


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("100.5", "The discount rate cannot be above 100%."),
        ("-1", "The discount rate cannot be below 0%."),
        ("8.125", "Ensure that there are no more than 2 decimal places."),
        ("lots", "A valid number is required."),
    ],
)
def test_a_discount_rate_out_of_bounds_is_refused_beside_its_field(
    writer, plan, owner, rate, message
):
    response = writer(owner).patch(detail_url(plan.pk), {"discount_rate": rate}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"discount_rate": [message]}


def test_the_organization_changes_only_to_one_the_user_plans_for(writer, plan, owner):
    add_to_organization(owner, OrganizationMembership.Role.PROGRAM_MANAGER, "Southgate College")
    client = writer(owner)
    moved = client.patch(detail_url(plan.pk), {"organization": "southgate-college"}, format="json")
    assert moved.json()["organization"]["name"] == "Southgate College"
    elsewhere = Organization.objects.create(name="Westbrook", slug="westbrook")
    refused = client.patch(detail_url(plan.pk), {"organization": "westbrook"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"organization": [not_a_planner_of(elsewhere)]}


def test_a_plan_in_review_is_a_409_with_the_pages_reason(writer, plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    response = writer(owner).patch(detail_url(plan.pk), {"title": "Renamed"}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This plan is in review: its answers are locked until a reviewer requests "
        "changes or approves it."
    }


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("reviewer", 403)])
def test_readers_may_not_change_the_settings(writer, plan, request, persona, status):
    response = writer(request.getfixturevalue(persona)).patch(
        detail_url(plan.pk), {"title": "Mine"}, format="json"
    )
    assert response.status_code == status
    assert response.json() == {"detail": NOT_A_WRITER}
    plan.refresh_from_db()
    assert plan.title == "Data Privacy Fundamentals"


def test_a_stranger_gets_404_and_put_is_not_taken(writer, plan, outsider, owner):
    assert (
        writer(outsider).patch(detail_url(plan.pk), {"title": "X"}, format="json").status_code
        == 404
    )
    assert writer(owner).put(detail_url(plan.pk), {"title": "X"}, format="json").status_code == 405


def test_unknown_settings_are_refused(writer, plan, owner):
    response = writer(owner).patch(detail_url(plan.pk), {"status": "approved"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Unknown field."]}
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert plan_access(user=owner, plan=plan).is_owner
