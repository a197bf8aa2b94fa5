"""An owner registers a webhook from the plan's dashboard, copies the signing secret
shown once, sends a test event, and a receiver on loopback gets it signed; the pages
pass axe's checks."""

import time

import pytest
from playwright.sync_api import expect

from tests.factories import PlanFactory
from tests.webhooks.conftest import in_process, receiver  # noqa: F401  (fixtures)

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_an_owner_registers_a_webhook_that_reaches_a_receiver_signed(
    page,
    owner,
    template_version,
    password,
    receiver,  # noqa: F811
):
    plan = PlanFactory(title="Cloud basics", created_by=owner, template_version=template_version)
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks of Cloud basics")
    assert_no_axe_violations(page)
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Plan approved").check()
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new webhook endpoint")
    receiver.secret = page.get_by_label("Signing secret").input_value()
    assert receiver.secret.startswith("whsec_")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to the plan's webhooks").click()
    page.get_by_role("button", name="Send a test event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery log")
    for _ in range(50):
        if receiver.received:
            break
        time.sleep(0.1)
    assert [request.verified for request in receiver.received] == [True]
    assert receiver.received[0].payload["data"]["plan"]["id"] == plan.pk
    page.reload()
    expect(page.get_by_role("cell", name="Delivered")).to_be_visible()
    assert_no_axe_violations(page)
