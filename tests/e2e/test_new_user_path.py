"""A new program manager's whole first path, in a real browser with axe at each step: a
plan created from nothing, Strategic Planning's tables filled (a cost line that falls every
year edited twice), the phase brought to Ready, a PDF exported, the plan submitted."""

import re

import pytest
from playwright.sync_api import expect

from microcred import celery_app
from microcred.plans.models import Plan, PlanMembership
from microcred.records.registry import REGISTRY
from tests.factories import add_member

from .axe import assert_no_axe_violations
from .questions import applying_before_any_answer
from .test_answering import log_in

pytestmark = pytest.mark.browser

TITLE = "Cloud Security Essentials"


def required_questions(plan, phase):
    """The keys of the phase's required questions that apply before anything is answered."""
    return list(
        applying_before_any_answer(
            plan.template_version.questions.filter(phase__slug=phase, required=True)
        ).values_list("key", flat=True)
    )


def add_row(page, table, cells, button):
    for label, value in cells:
        field = page.get_by_label(label, exact=True)
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(label=value)
        elif field.get_attribute("type") == "checkbox":
            field.check() if value else field.uncheck()
        else:
            field.fill(value)
    page.get_by_role("button", name=button).click()
    expect(table.get_by_role("status").last).to_have_text(re.compile("^Added the"))


def test_a_new_plan_goes_from_nothing_to_submitted(
    page, owner, reviewer, password, screenshot, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    log_in(page, username=owner.username, password=password)
    page.get_by_role("link", name="New plan").click()
    assert_no_axe_violations(page)
    page.get_by_label("Microcredential title").fill(TITLE)
    page.get_by_label("Organization").fill("Northbridge Institute")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    plan = Plan.objects.get(title=TITLE)
    screenshot(page, "1-created")
    assert_no_axe_violations(page)

    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    tiers = page.locator("#rs-price_tiers")
    add_row(
        page,
        tiers,
        [
            ("Tier, new price tier", "Member"),
            ("Audience, new price tier", "Member"),
            ("Price (USD), new price tier", "450.00"),
        ],
        "Add price tier",
    )
    # The forecast offers the new tier at once, without a reload.
    forecast = page.locator("#rs-candidate_forecast")
    expect(page.get_by_label("Price tier, new candidate forecast", exact=True)).to_contain_text(
        "Member"
    )
    add_row(
        page,
        forecast,
        [
            ("Year, new candidate forecast", "Year 1"),
            ("Price tier, new candidate forecast", "Member"),
            ("Expected candidates, new candidate forecast", "120"),
        ],
        "Add candidate forecast",
    )
    costs = page.locator("#rs-cost_lines")
    add_row(
        page,
        costs,
        [
            ("Item, new cost line", "Hosting"),
            ("Category, new cost line", "Yearly running"),
            ("Amount (USD), new cost line", "1,200.00"),
            ("Every year, new cost line", True),
        ],
        "Add cost line",
    )
    every_year = page.get_by_label("Every year, cost line 1", exact=True)
    expect(every_year).to_be_checked()
    cost_line = REGISTRY["planning.cost_lines"].model.objects.get(plan=plan)
    status = page.locator(f"#status-row-cost_lines-{cost_line.pk}")
    amount = page.get_by_label("Amount (USD), cost line 1", exact=True)
    for typed in ["1,500.00", "1750"]:
        amount.fill(typed)
        amount.press("Tab")
        expect(status).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
        expect(every_year).to_be_checked()
    cost_line.refresh_from_db()
    assert (cost_line.amount, cost_line.every_year, cost_line.year) == (1750, True, None)
    page.reload()
    expect(page.get_by_label("Every year, cost line 1", exact=True)).to_be_checked()
    screenshot(page, "2-tables")
    assert_no_axe_violations(page)

    for number, key in enumerate(required_questions(plan, "strategic-planning"), start=1):
        answer = page.locator(f"textarea[name={key}]")
        answer.fill(f"Answer {number}, written for the committee.")
        answer.press("Tab")
        expect(page.locator(f"#status-{key}")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    expect(page.locator("#phase-readiness")).to_contain_text("Ready")
    page.goto(plan.get_absolute_url())
    phases = page.get_by_role("region", name="Phases")
    expect(phases.get_by_role("listitem").first).to_contain_text("Ready")
    screenshot(page, "3-ready")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Export PDF").click()
    expect(
        page.locator("#export-panel .export-row").first.get_by_role(
            "link", name=re.compile("^Download")
        )
    ).to_be_visible()
    assert_no_axe_violations(page)

    add_member(plan, reviewer, PlanMembership.Role.REVIEWER)
    page.goto(plan.get_absolute_url())
    page.get_by_role("link", name="Submit for review").click()
    assert_no_axe_violations(page)
    # The other five phases are not started: the page says so, and asks before it sends.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Tick this box to submit with 6 readiness problems")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Submit even though the plan has 6 readiness problems").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted for review (round 1).")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_REVIEW
    screenshot(page, "4-submitted")
    assert_no_axe_violations(page)
