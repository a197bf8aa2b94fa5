"""Finding one's way, in a real browser: My plans tells a copy from its original and
filters by role; an editor sees their role and why there is no Submit button, and a refusal
leads back to the plan; the owner reopens an approved plan through its confirmation page."""

import pytest
from playwright.sync_api import expect

from microcred.plans.models import Plan
from microcred.review.services import decide_review, submit_for_review
from tests.factories import PlanFactory

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_an_editor_finds_their_role_and_why_there_is_no_submit(
    page, plan, editor, password, screenshot
):
    PlanFactory(title=plan.title, copied_from=plan, created_by=editor)
    log_in(page, username=editor.username, password=password)
    cards = page.locator(".plan-list > li")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Your role: Owner · Owner: Eddie Editor")
    expect(cards.first).to_contain_text("Copied from “Data Privacy Fundamentals”")
    expect(cards.nth(1)).to_contain_text("Your role: Editor · Owner: Olivia Owner")
    assert_no_axe_violations(page)
    screenshot(page, "1-my-plans")

    # The filters work without JavaScript: a GET form that keeps its values.
    page.get_by_label("My role").select_option("editor")
    page.get_by_role("button", name="Show plans").click()
    expect(page.locator("#plan-count")).to_have_text("1 plan matches your search.")
    expect(page.get_by_label("My role")).to_have_value("editor")
    assert_no_axe_violations(page)
    screenshot(page, "2-my-plans-filtered")

    page.locator(".plan-list").get_by_role("link", name="Data Privacy Fundamentals").click()
    expect(page.locator("#viewer-role")).to_contain_text(
        "Your role: Editor. As an editor you can change the answers"
    )
    expect(page.locator("#submit-refusal")).to_have_text(
        "Only the owner can submit this plan. See who the owner is."
    )
    expect(page.get_by_role("link", name="Submit for review")).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, "3-dashboard-editor")

    # The submit page refuses them, says why, and leads back to the plan.
    page.goto(f"/plans/{plan.pk}/submit/")
    expect(page.locator("#refusal-reason")).to_have_text("Only the owner can submit this plan.")
    assert_no_axe_violations(page)
    screenshot(page, "4-refusal")
    page.get_by_role("link", name="Back to the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Privacy Fundamentals")


def test_the_owner_reopens_an_approved_plan_through_the_confirmation_page(
    page, plan, owner, reviewer, password, screenshot
):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    log_in(page, username=owner.username, password=password)
    page.goto(plan.get_absolute_url())
    expect(page.locator("#viewer-role")).to_contain_text("Your role: Owner.")
    page.get_by_role("link", name="Reopen for revision…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Reopen “Data Privacy Fundamentals” for revision?"
    )
    expect(page.locator("#reopen-consequences")).to_contain_text(
        "keeps round 1’s approval in the review history, marked as reopened"
    )
    expect(page.locator("#reopen-consequences")).to_contain_text(
        "keeps its reviewer (Rosa Reviewer) on the plan; nobody is e-mailed now"
    )
    assert_no_axe_violations(page)
    screenshot(page, "5-reopen-confirmation")
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED
    page.get_by_role("button", name="Reopen for revision").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Reopened for revision: the answers can change again."
    )
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT

    # The submit page, now that it can be submitted again: what is open, the reviewer kept.
    page.get_by_role("link", name="Resubmit for review").click()
    expect(page.get_by_role("heading", name="Still open on this plan")).to_be_visible()
    expect(page.locator("#reviewer-missing")).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, "6-submit-page")
