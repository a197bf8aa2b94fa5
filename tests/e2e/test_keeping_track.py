"""Keeping track, in a real browser: the owner archives a plan and restores it by keyboard,
reads the plan's activity on the Members page, and turns comment e-mails off."""

import pytest
from playwright.sync_api import expect

from microcred.plans.models import NotificationPreference, Plan

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def tab_to(page, locator, *, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {locator}")


def test_archive_and_restore_a_plan_by_keyboard(page, plan, owner, password, screenshot):
    log_in(page, username=owner.username, password=password)
    page.goto(plan.get_absolute_url())
    archive_link = page.get_by_role("link", name="Archive this plan")
    tab_to(page, archive_link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Archive “Data Privacy Fundamentals”?"
    )
    assert_no_axe_violations(page)
    screenshot(page, "confirm")
    tab_to(page, page.get_by_role("button", name="Archive the plan"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        "“Data Privacy Fundamentals” is archived"
    )
    expect(page.locator("#review-state")).to_contain_text("Archived.")
    assert_no_axe_violations(page)
    screenshot(page, "archived")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ARCHIVED

    page.goto("/plans/")
    expect(page.get_by_role("heading", name="Data Privacy Fundamentals")).to_have_count(0)
    tab_to(page, page.get_by_role("link", name="Archived plans"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archived plans")
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("link", name="Data Privacy Fundamentals"))
    page.keyboard.press("Enter")

    tab_to(page, page.get_by_role("button", name="Restore the plan"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_have_text(
        "Restored: the plan is back in My plans, draft."
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT

    page.get_by_role("link", name="Members").click()
    activity = page.locator(".activity-list li")
    expect(activity.nth(0)).to_contain_text("Olivia Owner restored the plan (draft)")
    expect(activity.nth(1)).to_contain_text("Olivia Owner archived the plan")
    assert_no_axe_violations(page)
    screenshot(page, "activity")


def test_turning_comment_emails_off(page, plan, viewer, password, screenshot):
    log_in(page, username=viewer.username, password=password)
    page.get_by_role("link", name="E-mail settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail settings")
    checkbox = page.get_by_label("E-mail me about new comments and replies")
    expect(checkbox).to_be_checked()
    assert_no_axe_violations(page)
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    expect(checkbox).not_to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_have_text(
        "Saved: you will get no e-mails about comments."
    )
    expect(page.get_by_label("E-mail me about new comments and replies")).not_to_be_checked()
    assert_no_axe_violations(page)
    screenshot(page, "off")
    assert NotificationPreference.objects.get(user=viewer).comment_emails is False
