"""The portfolio's pages and CSV: who sees them, what they show, and that a change of a
plan shows at once though the page is cached."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.organizations.models import OrganizationMembership
from microcred.plans.archive import archive_plan
from microcred.plans.models import Plan, PlanMembership
from planning.models import CostLine
from tests.factories import PlanFactory, UserFactory, add_to_organization

from .helpers import ORGANIZATION, OTHER_ORGANIZATION, add_business_case, five_year_net

pytestmark = pytest.mark.django_db


def page_url(organization) -> str:
    return reverse("portfolio:organization", args=[organization.slug])


def csv_url(organization) -> str:
    return reverse("portfolio:organization_csv", args=[organization.slug])


def csv_rows(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def acme_plans(make_plans):
    return make_plans(2)


@pytest.fixture
def other_plan(template_version):
    return add_business_case(
        PlanFactory(organization=OTHER_ORGANIZATION, title="Borealis secret plan")
    )


def test_an_admin_sees_their_organizations_plans_and_no_others(
    client, org_admin, organization, acme_plans, other_plan
):
    client.force_login(org_admin)
    content = client.get(page_url(organization)).content.decode()
    for plan in acme_plans:
        assert plan.title in content
    assert "Borealis secret plan" not in content
    assert client.get(page_url(other_plan.organization)).status_code == 404
    assert client.get(csv_url(other_plan.organization)).status_code == 404
    assert client.get(reverse("portfolio:site_csv")).status_code == 404


def test_a_committee_member_sees_the_portfolio_a_program_manager_does_not(
    client, organization, acme_plans
):
    member = UserFactory(username="committee")
    add_to_organization(member, OrganizationMembership.Role.COMMITTEE_MEMBER, ORGANIZATION)
    manager = UserFactory(username="manager")
    add_to_organization(manager, OrganizationMembership.Role.PROGRAM_MANAGER, ORGANIZATION)
    client.force_login(member)
    assert client.get(page_url(organization)).status_code == 200
    client.force_login(manager)
    assert client.get(page_url(organization)).status_code == 404
    assert client.get(reverse("portfolio:site")).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client, organization):
    assert client.get(page_url(organization)).status_code == 302


def test_a_superuser_sees_every_organizations_plans(client, superuser, acme_plans, other_plan):
    client.force_login(superuser)
    content = client.get(reverse("portfolio:site")).content.decode()
    assert "Borealis secret plan" in content and acme_plans[0].title in content
    assert ORGANIZATION in content and OTHER_ORGANIZATION in content
    rows = csv_rows(client.get(reverse("portfolio:site_csv")))
    assert {row["Organization"] for row in rows} == {ORGANIZATION, OTHER_ORGANIZATION}


def test_the_site_portfolio_leads_an_overseer_to_theirs(client, org_admin, organization):
    client.force_login(org_admin)
    response = client.get(reverse("portfolio:site"))
    assert response.status_code == 302 and response["Location"] == page_url(organization)
    add_to_organization(org_admin, OrganizationMembership.Role.ADMIN, OTHER_ORGANIZATION)
    content = client.get(reverse("portfolio:site")).content.decode()
    assert page_url(organization) in content and OTHER_ORGANIZATION in content


def test_the_navigation_links_to_the_portfolio_for_overseers_only(client, org_admin, outsider):
    client.force_login(org_admin)
    link = f'href="{reverse("portfolio:site")}">Portfolio</a>'
    assert link in client.get(reverse("plans:list")).content.decode()
    client.force_login(outsider)
    assert link not in client.get(reverse("plans:list")).content.decode()


def test_archived_plans_are_left_out_unless_asked_for(client, org_admin, organization, acme_plans):
    kept, archived = acme_plans
    archive_plan(plan=archived, user=archived.created_by)
    client.force_login(org_admin)
    content = client.get(page_url(organization)).content.decode()
    assert kept.title in content and archived.title not in content
    content = client.get(page_url(organization), {"include_archived": "on"}).content.decode()
    assert archived.title in content
    rows = csv_rows(client.get(csv_url(organization), {"include_archived": "on"}))
    assert {row["Title"]: row["Status"] for row in rows}[archived.title] == "Archived"


def test_the_csv_holds_what_the_page_shows_with_the_same_filters(
    client, org_admin, organization, acme_plans
):
    first, second = acme_plans
    client.force_login(org_admin)
    response = client.get(csv_url(organization), {"search": first.title, "sort": "title"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"portfolio-{organization.slug}-" in response["Content-Disposition"]
    (row,) = csv_rows(response)
    assert row["Plan id"] == str(first.pk)
    assert row["Title"] == first.title
    assert row["Status"] == "Draft"
    assert row["Currency"] == "USD"
    assert row["Lowest price per candidate"] == row["Highest price per candidate"] == "200.00"
    assert row["Five-year net"] == f"{five_year_net():.2f}" == "45000.00"
    # Year 2 ends at exactly zero: break-even is the first month of year 3.
    assert (row["Break-even year"], row["Break-even month"]) == ("3", "1")
    assert row["ROI over 5 years (%)"] == "81.8"
    assert row["Next review"] == "Content review"
    assert row["Strategic Planning: readiness problems"].isdigit()


def test_a_csv_of_filters_that_are_not_valid_is_refused_with_the_reason(
    client, org_admin, organization
):
    client.force_login(org_admin)
    query = {"review_due_within_days": "soon", "status": "lost"}
    response = client.get(csv_url(organization), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    reasons = response.content.decode()
    assert reasons.startswith("These filters cannot make a CSV file: ")
    assert "Enter a whole number." in reasons and "Status: " in reasons


def test_a_title_that_would_be_a_formula_is_text_in_the_csv(client, org_admin, organization):
    PlanFactory(organization=ORGANIZATION, title="=HYPERLINK(1)")
    client.force_login(org_admin)
    (row,) = csv_rows(client.get(csv_url(organization)))
    assert row["Title"] == "'=HYPERLINK(1)"


def test_totals_one_line_per_currency(client, org_admin, organization, make_plans):
    make_plans(2)
    (euro_plan,) = make_plans(1, currency="EUR")
    client.force_login(org_admin)
    content = client.get(page_url(organization)).content.decode()
    totals = content[content.index('id="currency-totals"') :]
    totals = totals[: totals.index("</table>")]
    assert '<th scope="row">EUR</th>' in totals and '<th scope="row">USD</th>' in totals
    assert "45,000.00 EUR" in totals and "90,000.00 USD" in totals


def test_a_title_with_a_script_is_escaped(client, org_admin, organization):
    PlanFactory(organization=ORGANIZATION, title="<script>alert('x')</script>")
    client.force_login(org_admin)
    content = client.get(page_url(organization)).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content


def test_the_charts_are_accessible_images_with_the_counts_in_words(
    client, org_admin, organization, acme_plans
):
    client.force_login(org_admin)
    content = client.get(page_url(organization)).content.decode()
    assert 'role="img" aria-labelledby="status-chart-title"' in content
    assert '<title id="status-chart-title">Plans by status</title>' in content
    assert '<desc id="status-chart-desc">Draft: 2 of 2.</desc>' in content
    assert '<title id="readiness-chart-title">Plans ready in each phase</title>' in content
    assert "style=" not in content[content.index("<svg") : content.rindex("</svg>")]


def test_a_change_of_a_plan_shows_at_once(client, org_admin, organization, acme_plans):
    plan = acme_plans[0]
    client.force_login(org_admin)
    assert plan.title in client.get(page_url(organization)).content.decode()
    # As the services change a plan: stamped.
    Plan.objects.filter(pk=plan.pk).update(title="Renamed plan", updated_at=timezone.now())
    assert "Renamed plan" in client.get(page_url(organization)).content.decode()
    # A new owner stamps nothing of the plan: their membership tells.
    newcomer = UserFactory(username="newcomer", first_name="Nina", last_name="Newcomer")
    PlanMembership.objects.filter(plan=plan, role=PlanMembership.Role.OWNER).update(user=newcomer)
    assert "Nina Newcomer" in client.get(page_url(organization)).content.decode()
    # Every change of its rows stamps the plan (updated_at): its measures are worked out again.
    CostLine.objects.filter(plan=plan, item="Development").update(amount=Decimal("35000"))
    Plan.objects.get(pk=plan.pk).save()
    assert "40,000.00 USD" in client.get(page_url(organization)).content.decode()


def test_an_unknown_filter_value_is_said_and_narrows_nothing(
    client, org_admin, organization, acme_plans
):
    client.force_login(org_admin)
    response = client.get(page_url(organization), {"status": "nonsense", "sort": "title"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose one of the statuses listed." in content
    assert all(plan.title in content for plan in acme_plans)


def test_the_table_shows_a_page_of_plans_the_counts_and_csv_all(
    client, org_admin, organization, make_plans, settings, monkeypatch
):
    monkeypatch.setattr("microcred.portfolio.views.PLANS_PER_PAGE", 2)
    plans = make_plans(3)
    client.force_login(org_admin)
    content = client.get(page_url(organization), {"sort": "title"}).content.decode()
    assert "Plans 1 to 2 of 3" in content
    assert '<desc id="status-chart-desc">Draft: 3 of 3.</desc>' in content
    assert 'href="?sort=title&amp;page=2"' in content
    assert f'href="{csv_url(organization)}?sort=title"' in content
    second = client.get(page_url(organization), {"sort": "title", "page": "2"})
    titles = sorted(plan.title for plan in plans)
    assert titles[2] in second.content.decode() and titles[0] not in second.content.decode()
    assert len(csv_rows(client.get(csv_url(organization), {"page": "2"}))) == 3
