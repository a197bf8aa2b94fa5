"""A user makes an API token from the user menu, with the keyboard, and tries it on the
docs page, which runs under the site's Content-Security-Policy (the page fixture fails a
test on anything the policy refuses)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PlanFactory

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_a_user_creates_a_token_and_the_docs_page_runs(page, owner, template_version, password):
    PlanFactory(title="Cloud basics", created_by=owner, template_version=template_version)
    log_in(page, username=owner.username, password=password)
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    assert_no_axe_violations(page)
    page.get_by_label("Name").fill("Report script")
    page.get_by_label("Name").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    secret = page.get_by_label("Token").input_value()
    assert secret.startswith("mcp_")
    response = page.request.get("/api/v1/plans/", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["results"][0]["title"] == "Cloud basics"
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("button", name="GET /api/v1/plans/{id}/", exact=True)).to_be_visible()
