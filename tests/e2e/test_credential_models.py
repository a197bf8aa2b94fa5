"""Choosing a credential model with what each one means in view."""

import re

import pytest
from playwright.sync_api import expect

from microcred.plans.models import Answer

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_a_planner_reads_what_each_model_means_and_chooses_one(
    page, plan, owner, password, screenshot
):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/design-and-development/")
    models = page.get_by_role("region", name="What each credential model means")
    expect(models).to_be_visible()
    expect(models.locator("dt")).to_have_text(["ABC model", "Stackable", "Certificate", "Other"])
    expect(models.locator("dd").first).to_contain_text("An assessment-based certificate")
    page.locator("#q-credential_model").get_by_label("ABC model").check()
    expect(page.locator("#status-credential_model")).to_have_text(
        re.compile(r"^\s*Saved at \d\d:\d\d\s*$")
    )
    assert Answer.objects.get(plan=plan, question__key="credential_model").value == {
        "choice": "ABC model",
        "other": "",
    }
    assert_no_axe_violations(page)
    screenshot(page, "credential-models")
