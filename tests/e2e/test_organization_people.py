"""An organization admin manages its people in a real browser: the menu leads to them, a
person is added by address and given a role, and the last admin's removal is refused with
the reason beside the button; every page passes axe."""

import pytest
from playwright.sync_api import expect

from microcred.organizations.models import OrganizationMembership
from tests.factories import UserFactory, add_to_organization

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser

Role = OrganizationMembership.Role


def test_an_admin_adds_a_person_and_keeps_the_last_admin(
    page, owner, reviewer, outsider, password, screenshot
):
    admin = UserFactory(username="ada", first_name="Ada", last_name="Admin")
    add_to_organization(admin, Role.ADMIN)
    log_in(page, username=admin.username, password=password)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organizations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My organizations")
    assert_no_axe_violations(page)
    screenshot(page, "1-organizations")

    page.get_by_role("link", name="People of Northbridge Institute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People of Northbridge Institute")
    assert_no_axe_violations(page)

    page.get_by_label("E-mail address").fill("nobody@example.org")
    page.get_by_role("button", name="Add person").click()
    expect(page.locator("#error_1_id_email")).to_contain_text("No account has this address.")
    assert_no_axe_violations(page)
    screenshot(page, "2-no-account")

    page.get_by_label("E-mail address").fill(outsider.email)
    page.locator("#id_role").select_option(Role.COMMITTEE_MEMBER)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("status")).to_have_text(
        "Otto Outsider has the role Committee member in Northbridge Institute."
    )
    page.get_by_label("Role to give to Otto Outsider").select_option(Role.PROGRAM_MANAGER)
    page.get_by_role("button", name="Give this role to Otto Outsider").click()
    expect(page.get_by_role("status")).to_have_text("Otto Outsider is now also Program manager.")

    page.get_by_role("button", name="Remove Ada Admin from Northbridge Institute").click()
    expect(page.locator(f"#refusal-{admin.pk}")).to_contain_text(
        "This is the organization's last admin"
    )
    assert_no_axe_violations(page)
    screenshot(page, "3-last-admin")
    assert set(
        OrganizationMembership.objects.filter(user=outsider).values_list("role", flat=True)
    ) == {Role.COMMITTEE_MEMBER, Role.PROGRAM_MANAGER}
