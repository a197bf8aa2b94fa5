"""An organization's portfolio in a real browser, opened by its admin from the navigation:
the charts are named images, the table lists the plans, a filter narrows them, and axe
finds nothing."""

import pytest
from playwright.sync_api import expect

from microcred.organizations.models import OrganizationMembership
from tests.factories import PlanFactory, UserFactory, add_to_organization
from tests.portfolio.helpers import ORGANIZATION, add_business_case

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_an_admin_opens_the_portfolio_from_the_navigation(
    page, template_version, password, screenshot
):
    admin = UserFactory(username="orgadmin", first_name="Ada", last_name="Admin")
    add_to_organization(admin, OrganizationMembership.Role.ADMIN, ORGANIZATION)
    add_business_case(PlanFactory(organization=ORGANIZATION, title="Cloud basics"))
    add_business_case(
        PlanFactory(organization=ORGANIZATION, title="Data literacy", currency="EUR"),
        price="150",
    )
    PlanFactory(organization=ORGANIZATION, title="<script>alert(1)</script>")
    log_in(page, username=admin.username, password=password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{ORGANIZATION}: portfolio")
    expect(page.get_by_role("img", name="Plans by status")).to_have_accessible_description(
        "Draft: 3 of 3."
    )
    expect(page.get_by_role("img", name="Plans ready in each phase")).to_be_visible()
    table = page.locator(".portfolio-table")
    expect(table.get_by_role("link", name="<script>alert(1)</script>")).to_be_visible()
    totals = page.locator("#currency-totals")
    expect(totals.get_by_role("row")).to_have_count(3)  # the header, EUR and USD
    screenshot(page, "portfolio")
    assert_no_axe_violations(page)

    page.get_by_label("Title contains").fill("cloud")
    page.get_by_role("button", name="Show plans").click()
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the plan found
    expect(table.get_by_role("link", name="Cloud basics")).to_be_visible()
    assert_no_axe_violations(page)
