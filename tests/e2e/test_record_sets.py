"""Record sets and conditional questions in a real browser: a program manager adds, edits
and deletes price tiers by keyboard alone and finds them after a reload; questions that
apply only to a stackable credential hide when the model changes, and the count follows."""

import re

import pytest
from playwright.sync_api import expect

from microcred import celery_app
from microcred.demo.psychometrics import DEMO_RESULTS
from microcred.plans.record_rows import save_record
from microcred.records.registry import REGISTRY
from tests.planning.records_helpers import save_demo_rows

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def tiers_of(plan):
    return list(
        REGISTRY["planning.price_tiers"]
        .model.objects.filter(plan=plan)
        .order_by("position")
        .values_list("name", "price")
    )


def test_price_tiers_by_keyboard_survive_a_reload(page, plan, owner, password, screenshot):
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    table = page.locator("#rs-price_tiers")
    expect(table.locator(".record-empty")).to_contain_text("price")
    assert_no_axe_violations(page)

    name = page.get_by_label("Tier, new price tier", exact=True)
    name.focus()
    page.keyboard.type("Member")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Audience, new price tier", exact=True)).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first audience after the empty choice: member
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past "Other audience"
    expect(page.get_by_label("Price (USD), new price tier", exact=True)).to_be_focused()
    page.keyboard.type("245")
    page.get_by_role("button", name="Add price tier").focus()
    page.keyboard.press("Enter")
    expect(table.get_by_role("status").last).to_have_text("Added the price tier.")
    expect(page.get_by_label("Tier, price tier 1")).to_have_value("Member")
    assert tiers_of(plan) == [("Member", 245)]
    screenshot(page, "added")
    assert_no_axe_violations(page)

    price = page.get_by_label("Price (USD), price tier 1")
    price.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("265")
    page.keyboard.press("Tab")
    row = REGISTRY["planning.price_tiers"].model.objects.get(plan=plan)
    status = page.locator(f"#status-row-price_tiers-{row.pk}")
    expect(status).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    assert tiers_of(plan) == [("Member", 265)]

    page.reload()
    expect(page.get_by_label("Price (USD), price tier 1")).to_have_value("265.00")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete price tier 1").focus()
    page.keyboard.press("Enter")
    expect(table.get_by_role("status").last).to_have_text("Deleted the price tier “Member”.")
    page.reload()
    expect(page.locator("#rs-price_tiers .record-empty")).to_be_visible()
    assert tiers_of(plan) == []
    assert_no_axe_violations(page)


def test_stackable_questions_hide_when_the_model_changes(page, plan, owner, password, screenshot):
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/design-and-development/")
    stackable = page.locator("#q-stackable_requirements")
    components = page.locator("#q-stack_components")
    expect(stackable).to_be_hidden()
    expect(components).to_be_hidden()
    count = page.locator("#phase-count-design-and-development")

    model = page.locator("#q-credential_model")
    model.get_by_label("Stackable").check()
    expect(stackable).to_be_visible()
    expect(components).to_be_visible()
    shown_count = count.inner_text()
    screenshot(page, "stackable")
    assert_no_axe_violations(page)

    model.get_by_label("Certificate").check()
    expect(stackable).to_be_hidden()
    expect(components).to_be_hidden()
    expect(count).not_to_have_text(shown_count)
    page.reload()
    expect(stackable).to_be_hidden()
    expect(page.locator("#q-credential_model").get_by_label("Certificate")).to_be_checked()


def test_a_review_is_marked_done_from_the_review_calendar_by_keyboard(
    page, plan, owner, password, screenshot
):
    question = plan.template_version.questions.get(key="review_cycles")
    data = {
        "name": "Exam form refresh",
        "area": "assessment",
        "area_other": "",
        "every_months": "12",
        "owner": "Exam development committee",
        "last_done": "",
        "first_due": "2028-09-01",
    }
    save_record(plan=plan, question=question, data=data, user=owner)
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/maintenance/")
    calendar = page.locator("#panel-maintenance-review-calendar")
    expect(calendar.get_by_role("heading", name="Review calendar")).to_be_visible()
    expect(calendar.get_by_label(re.compile("Subscription link"))).to_have_attribute("readonly", "")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Mark done today for Exam form refresh").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("“Exam form refresh” marked done today"))).to_be_visible()
    expect(calendar.get_by_text("Done today")).to_be_visible()
    screenshot(page, "review-done")
    assert_no_axe_violations(page)

    page.goto(f"/plans/{plan.pk}/")
    reviews_due = page.locator("section", has=page.get_by_role("heading", name="Reviews due"))
    expect(reviews_due).to_contain_text("Exam form refresh: due in")


def test_the_roi_panel_and_its_chart_pass_axe(page, plan, owner, password, screenshot):
    save_demo_rows(plan=plan, app_label="marketing")
    save_demo_rows(plan=plan, app_label="planning")
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/#panel-planning-roi")
    panel = page.locator("#panel-planning-roi")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Cost, revenue and ROI")
    chart = panel.get_by_role("img", name="Cumulative net by year, in USD")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_description(re.compile(r"Break-even in year 2, month 10\.$"))
    expect(panel.locator("tfoot")).to_contain_text("709,575.00 USD")
    # The chart's colours come from attributes: an inline style would be refused by the
    # Content-Security-Policy and leave the drawing black.
    line = chart.locator("path[stroke='#0d6efd']").first
    assert line.evaluate("element => getComputedStyle(element).stroke") == "rgb(13, 110, 253)"
    screenshot(page, "roi-panel")
    assert_no_axe_violations(page)


def test_results_are_uploaded_and_analysed_by_keyboard(
    page, plan, owner, password, screenshot, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    # Analysed in-process here, as with `make run`, whatever broker this run has.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    results = tmp_path / "pilot.csv"
    results.write_text(DEMO_RESULTS.read_text())
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/maintenance/#panel-maintenance-psychometrics")
    panel = page.locator("#panel-maintenance-psychometrics")
    panel.get_by_label(re.compile("Results file")).set_input_files(str(results))
    panel.get_by_role("button", name="Upload and analyse").focus()
    page.keyboard.press("Enter")
    panel = page.locator("#panel-maintenance-psychometrics")
    expect(
        panel.get_by_role("heading", name=re.compile("Latest analysis: pilot.csv"))
    ).to_be_visible(timeout=20_000)
    expect(panel.get_by_role("img", name=re.compile("Distribution of candidates"))).to_be_visible()
    expect(panel.get_by_text("Negative discrimination", exact=True).first).to_be_visible()
    screenshot(page, "item-analysis")
    assert_no_axe_violations(page)
