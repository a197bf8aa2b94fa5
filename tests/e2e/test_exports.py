"""The export panel says which PDF is current, the changes page links each numbered
change to its answer, and a plan file is imported: in a real browser, by keyboard, with
axe on each state."""

import json
import re

import pytest
from playwright.sync_api import expect

from microcred import celery_app
from microcred.plans.answers import save_answer
from microcred.reports.models import ReportExport
from microcred.reports.rendering import render_export
from microcred.review.services import decide_review, submit_for_review
from tests.transfer.plan_files import exported

from .axe import assert_no_axe_violations
from .test_answering import log_in
from .test_first_hour import tab_to

pytestmark = pytest.mark.browser


def test_an_out_of_date_pdf_is_marked_and_a_fresh_one_is_one_key_press_away(
    page, plan, owner, password, question, screenshot, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    render_export(export_id=ReportExport.objects.create(plan=plan, requested_by=owner).pk)
    log_in(page, username="owner", password=password)
    page.goto(plan.get_absolute_url())
    panel = page.locator("#export-panel")
    expect(panel).to_contain_text("Current: made from the plan as it is now (status: Draft)")
    assert_no_axe_violations(page)

    save_answer(plan=plan, question=question, raw_value="Revenue.", base_revision=0, user=owner)
    page.reload()
    expect(panel).to_contain_text(
        "Out of date: made before the latest changes (status then: Draft)"
    )
    fresh = panel.get_by_role("button", name="Export a fresh PDF")
    screenshot(page, "1-out-of-date")
    assert_no_axe_violations(page)
    fresh.focus()
    page.keyboard.press("Enter")
    rows = panel.locator(".export-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Current: made from the plan as it is now (status: Draft)")
    expect(rows.last).to_contain_text("Out of date: made before the latest changes")
    expect(panel.get_by_role("button", name="Export a fresh PDF")).to_have_count(0)
    assert_no_axe_violations(page)

    panel.get_by_role("link", name="All exports of this plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export Data Privacy Fundamentals")
    assert_no_axe_violations(page)
    # Without a phase the options are refused beside the phases, by keyboard alone.
    for box in page.get_by_role("group", name=re.compile("^Phases")).get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_label("Unanswered questions").uncheck()
    tab_to(page, page.get_by_role("button", name="Save options"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Choose at least one phase to export.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Delivery").check()
    page.get_by_role("button", name="Export Word (.docx)").click()
    rows = page.locator(".export-row")
    expect(rows.first).to_contain_text("Included: Phases: Delivery; without unanswered questions")
    expect(rows.first.get_by_role("link", name=re.compile("^Download Word"))).to_be_visible()
    assert_no_axe_violations(page)


def test_the_approved_pdf_is_labelled(page, plan, owner, reviewer, password):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    render_export(export_id=ReportExport.objects.create(plan=plan, requested_by=owner).pk)
    log_in(page, username="owner", password=password)
    page.goto(plan.get_absolute_url())
    row = page.locator("#export-panel .export-row")
    expect(row.locator(".badge")).to_have_text(["Ready", "Approved version"])
    expect(row).to_contain_text("Current: made from the plan as it is now (status: Approved)")
    expect(row.get_by_role("link", name=re.compile(r"the approved version$"))).to_be_visible()
    assert_no_axe_violations(page)


def test_each_numbered_change_links_to_its_answer(
    page, plan, owner, reviewer, password, template_version, screenshot
):
    market_gap = template_version.questions.get(key="market_gap")
    save_answer(plan=plan, question=market_gap, raw_value="None.", base_revision=0, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="See 3.4.1.")
    save_answer(plan=plan, question=market_gap, raw_value="A gap.", base_revision=1, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    log_in(page, username="reviewer", password=password)
    page.goto(f"/plans/{plan.pk}/changes/")
    expect(page.locator("blockquote")).to_have_text("See 3.4.1.")
    link = page.get_by_role(
        "link", name="Strategic Planning: 3.4.1 What's the gap that microcredential will fill?"
    )
    screenshot(page, "changes")
    assert_no_axe_violations(page)
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/phases/strategic-planning/#q-market_gap$"))
    expect(page.locator("#q-market_gap")).to_be_in_viewport()


def test_an_incomplete_credential_definition_says_what_to_answer_and_leads_there(
    page, plan, owner, password, screenshot
):
    log_in(page, username="owner", password=password)
    page.goto(plan.get_absolute_url())
    link = page.get_by_role("link", name="Download credential definition (Open Badges 3.0)")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The credential definition cannot be made yet"
    )
    screenshot(page, "credential-definition-incomplete")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=re.compile("^Say how someone earns the microcredential")).click()
    expect(page).to_have_url(re.compile(r"/phases/design-and-development/#q-earning_requirements$"))
    expect(page.get_by_label("How does someone earn the microcredential?")).to_be_visible()


def test_a_plan_file_is_imported_by_keyboard_and_its_report_read(page, plan, owner, password):
    document = exported(plan)
    document["answers"].append(
        {"question": "gone", "phase": "marketing", "kind": "short_text", "value": "Old."}
    )
    log_in(page, username="owner", password=password)
    page.goto(plan.get_absolute_url())
    page.get_by_role("link", name="Download as JSON").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Download Data Privacy Fundamentals as JSON"
    )
    assert_no_axe_violations(page)
    page.goto("/plans/")
    page.get_by_role("link", name="Import a plan").click()
    upload = page.get_by_label("Plan file (JSON)")
    upload.set_input_files(
        {"name": "plan.json", "mimeType": "application/json", "buffer": b'{"format": 1}'}
    )
    page.get_by_role("button", name="Import").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#div_id_file")).to_contain_text("format_version: is missing")
    assert_no_axe_violations(page)
    page.get_by_label("Plan file (JSON)").set_input_files(
        {
            "name": "plan.json",
            "mimeType": "application/json",
            "buffer": json.dumps(document).encode(),
        }
    )
    page.get_by_role("button", name="Import").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import report")
    expect(page.locator("table")).to_contain_text("Answer to “gone”")
    assert_no_axe_violations(page)
    page.goto(f"/plans/{plan.pk}/copy/")
    expect(page.get_by_label("Title of the new plan")).to_have_value(
        "Copy of Data Privacy Fundamentals"
    )
    assert_no_axe_violations(page)
