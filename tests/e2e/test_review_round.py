"""The whole review round in a real browser, as its owner and reviewer live it: the owner
submits with a note; the reviewer reads the note, looks at what is still open and requests
changes; the owner edits and resubmits; the reviewer approves through the same
confirmation; the owner finds the plan approved and locked, and reopens it for revision
with the round history and the approved PDF intact."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from microcred import celery_app
from microcred.comments.services import add_comment
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan
from microcred.plans.readiness_checks import readiness_by_phase, readiness_problems

from .axe import assert_no_axe_violations
from .test_answering import log_in
from .test_review import log_out

pytestmark = pytest.mark.browser

TITLE = "Data Privacy Fundamentals"


def open_plan(page):
    page.get_by_role("link", name="My plans").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_a_review_round_from_submission_to_reopening(
    page, plan, owner, viewer, reviewer, password, question, screenshot, monkeypatch
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
    add_comment(
        plan=plan,
        user=viewer,
        body="Is 500 a guess?",
        phase=question.phase,
        question=question,
    )
    problems = len(readiness_problems(readiness_by_phase(plan)))

    # The owner submits with a note to the reviewers.
    log_in(page, username="owner", password=password)
    open_plan(page)
    page.get_by_role("link", name="Submit for review").click()
    page.get_by_label("Note to the reviewers (optional)").fill(
        "The earner estimate is in the business case."
    )
    page.get_by_label(re.compile("Submit even though the plan has")).check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted for review (round 1).")
    log_out(page)

    # The reviewer lands on the review queue, opens the plan and reads the note.
    log_in(page, username="reviewer", password=password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Awaiting my review")
    page.get_by_role("link", name=TITLE).click()
    decision = page.get_by_role("region", name="Your decision on round 1")
    expect(decision.locator("blockquote")).to_have_text(
        "The earner estimate is in the business case."
    )
    assert_no_axe_violations(page)

    # Request changes: the confirmation page lists what is still open.
    decision.get_by_role("link", name="Request changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Request changes to “{TITLE}”")
    still_open = page.get_by_role("region", name="Still open on this plan")
    expect(still_open.locator("#readiness-summary")).to_contain_text(
        f"{problems} readiness problems"
    )
    expect(still_open.get_by_role("heading", name="1 open comment thread")).to_be_visible()
    expect(still_open).to_contain_text("Vera Viewer: Is 500 a guess?")
    expect(
        still_open.get_by_role("link", name="The open threads on the Comments page")
    ).to_be_visible()
    screenshot(page, "1-request-changes-confirmation")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Request changes").click()
    reason = page.get_by_label("What needs to change")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Say what needs to change: the reason is sent")).to_be_visible()
    assert_no_axe_violations(page)
    reason.fill("Explain the earner estimate.")
    page.get_by_role("button", name="Request changes").click()
    expect(
        page.get_by_text("Changes requested: the owner and editors are notified.")
    ).to_be_visible()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.CHANGES_REQUESTED
    log_out(page)

    # The owner edits the answer and resubmits, with a new note.
    log_in(page, username="owner", password=password)
    open_plan(page)
    expect(page.locator("#review-state")).to_contain_text("Explain the earner estimate.")
    page.get_by_role("link", name="Strategic Planning").first.click()
    answer = page.locator("textarea[name=business_case]")
    answer.fill("We expect 500 earners: 40 member firms times 12 staff.")
    answer.press("Tab")
    expect(page.locator("#status-business_case")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("link", name="Resubmit for review").click()
    page.get_by_label("Note to the reviewers (optional)").fill("Explained the estimate.")
    page.get_by_label(re.compile("Submit even though the plan has")).check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted for review (round 2).")
    log_out(page)

    # The reviewer reads the changes beside the new note, then approves after confirming.
    log_in(page, username="reviewer", password=password)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes since the last review")
    under_review = page.get_by_role("region", name="Round 2, under review")
    expect(under_review.locator("blockquote")).to_have_text("Explained the estimate.")
    expect(page.locator(".answer-change")).to_have_count(1)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("link", name="Approve", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Approve “{TITLE}”")
    expect(page.get_by_role("region", name="Still open on this plan")).to_contain_text(
        "1 open comment thread"
    )
    screenshot(page, "2-approve-confirmation")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: the owner and editors are notified.")).to_be_visible()
    log_out(page)

    # The owner finds the plan approved and locked, says why and what comes next.
    log_in(page, username="owner", password=password)
    open_plan(page)
    decided = plan.review_rounds.get(number=2)
    state = page.locator("#review-state")
    expect(state).to_contain_text(
        f"Approved on {timezone.localtime(decided.decided_at):%-d %B %Y} by Rosa Reviewer "
        "(round 2). The answers are locked; you can reopen the plan for revision, which "
        "starts a new review round."
    )
    missing_section = page.get_by_role("region", name="Required questions still unanswered")
    expect(missing_section).to_contain_text("This plan is approved: its answers are locked.")
    expect(missing_section.get_by_role("link")).to_have_count(0)
    page.get_by_role("button", name="Export PDF").click()
    expect(page.get_by_role("link", name=re.compile("Download PDF"))).to_be_visible()
    page.reload()
    expect(
        state.get_by_role("link", name=re.compile(r"^Approved version: PDF of "))
    ).to_be_visible()
    screenshot(page, "3-approved-locked")
    assert_no_axe_violations(page)

    # Reopening, once confirmed: a draft again, with the rounds and the approved PDF kept.
    page.get_by_role("link", name="Reopen for revision…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reopen “{TITLE}” for revision?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Reopen for revision").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Reopened for revision: the answers can change again. Round 2's approval stays in "
        "the review history; the next submission opens round 3."
    )
    expect(state).to_contain_text("Reopened for revision by Olivia Owner on ")
    expect(state).to_contain_text("after round 2 was approved.")
    rounds = page.get_by_role("region", name="Review rounds")
    expect(rounds.get_by_role("listitem")).to_have_count(2)
    expect(rounds).to_contain_text("Approved by Rosa Reviewer on ")
    expect(rounds).to_contain_text("Reopened for revision by Olivia Owner on ")
    expect(rounds).to_contain_text("Note to the reviewers: “Explained the estimate.”")
    expect(rounds).to_contain_text("Changes requested by Rosa Reviewer on ")
    expect(rounds).to_contain_text("Explain the earner estimate.")
    expect(
        rounds.get_by_role("link", name=re.compile(r"^Approved version: PDF of "))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Resubmit for review")).to_be_visible()
    screenshot(page, "4-reopened")
    assert_no_axe_violations(page)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert list(plan.review_rounds.values_list("number", "decision")) == [
        (1, "changes_requested"),
        (2, "approved"),
    ]
