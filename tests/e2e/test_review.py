"""One whole review round in a real browser: the owner submits, a reviewer comments on
an answer and requests changes, the owner edits and resubmits, the reviewer reads the
diff and approves, and the PDF's cover shows the approval."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from microcred import celery_app
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


# One problem per phase for its required questions left, and two failing checks.
CONFIRM_INCOMPLETE = "Submit even though the plan has 8 readiness problems"


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


def test_a_whole_review_round(
    page, plan, owner, reviewer, password, question, screenshot, monkeypatch
):
    # Exports render in-process here, as with `make run`, whatever broker this run has.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    save_answer(
        plan=plan,
        question=question,
        raw_value="We expect 500 earners.",
        base_revision=0,
        user=owner,
    )

    # The owner submits, confirming the unanswered required questions and the readiness
    # checks that fail on a plan whose tables are still empty.
    log_in(page, username="owner", password=password)
    page.get_by_role("link", name="Data Privacy Fundamentals").click()
    page.get_by_role("link", name="Submit for review").click()
    readiness = page.get_by_role("region", name="Readiness")
    expect(readiness.locator("#readiness-summary")).to_have_text(
        "8 readiness problems in 6 phases; each links to where it is fixed."
    )
    assert_no_axe_violations(page)
    page.get_by_label("Note to the reviewers (optional)").fill("First complete draft.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#id_confirm_incomplete")).to_have_attribute("aria-invalid", "true")
    page.get_by_label(CONFIRM_INCOMPLETE).check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted for review (round 1).")
    expect(page.get_by_text("In review.", exact=True)).to_be_visible()
    screenshot(page, "1-owner-submitted")
    log_out(page)

    # The reviewer finds it awaiting review, comments on one answer and requests changes.
    log_in(page, username="reviewer", password=password)
    page.get_by_role("link", name="Awaiting my review").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Data Privacy Fundamentals").click()
    page.get_by_role("link", name="Strategic Planning").first.click()
    block = page.locator("#q-business_case")
    block.locator("summary").click()
    block.get_by_label("New comment on this answer").fill("How did you estimate 500?")
    block.get_by_role("button", name="Post comment").click()
    expect(page.locator("#q-business_case .comment-body")).to_have_text("How did you estimate 500?")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Data Privacy Fundamentals").first.click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Request changes").click()
    page.get_by_label("What needs to change").fill("Explain the earner estimate.")
    page.get_by_role("button", name="Request changes").click()
    expect(
        page.get_by_text("Changes requested: the owner and editors are notified.")
    ).to_be_visible()
    log_out(page)

    # The owner sees the request and the comment, edits the answer and resubmits.
    log_in(page, username="owner", password=password)
    page.get_by_role("link", name="Data Privacy Fundamentals").click()
    expect(page.get_by_role("status").first).to_contain_text("Explain the earner estimate.")
    page.get_by_role("link", name="Strategic Planning").first.click()
    expect(page.locator("#q-business_case .comment-body")).to_have_text("How did you estimate 500?")
    answer = page.locator("textarea[name=business_case]")
    answer.fill("We expect 500 earners: 40 member firms times 12 staff, at the pilot's uptake.")
    answer.press("Tab")
    expect(page.locator("#status-business_case")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    page.get_by_role("link", name="Data Privacy Fundamentals").first.click()
    page.get_by_role("link", name="Resubmit for review").click()
    page.get_by_label(CONFIRM_INCOMPLETE).check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted for review (round 2).")
    log_out(page)

    # The reviewer lands on what changed, then approves.
    log_in(page, username="reviewer", password=password)
    page.get_by_role("link", name="Awaiting my review").click()
    page.get_by_role("link", name="Data Privacy Fundamentals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes since the last review")
    change = page.locator(".answer-change")
    expect(change).to_have_count(1)
    expect(change.locator("del")).to_have_text("earners.")
    expect(change.locator("ins")).to_have_text(
        "earners: 40 member firms times 12 staff, at the pilot's uptake."
    )
    screenshot(page, "2-reviewer-diff")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("link", name="Approve", exact=True).click()
    # The tables are still empty: the reviewer approves knowing which checks fail.
    readiness = page.get_by_role("region", name="Readiness")
    expect(readiness.locator("#readiness-summary")).to_have_text(
        "8 readiness problems in 6 phases; each links to where it is fixed."
    )
    expect(readiness.locator(".readiness-list li")).to_have_count(8)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: the owner and editors are notified.")).to_be_visible()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.APPROVED

    # The PDF's cover shows the approval.
    page.get_by_role("button", name="Export PDF").click()
    download_link = page.get_by_role("link", name=re.compile("Download PDF"))
    with page.expect_download() as download:
        download_link.click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    cover = " ".join(pdf.pages[0].extract_text().split())
    assert "Status Approved" in cover
    assert "Decision Approved by Rosa Reviewer on " in cover
    screenshot(page, "3-approved")
