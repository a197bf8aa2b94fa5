"""Record table cells in a real browser: a cost line that falls every year keeps its box
ticked through edits of its amount; an amount with a decimal comma is refused with how it
would read; a price tier added is offered by the candidate forecast at once."""

import re
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from planning.models import CostLine

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def stored_line(plan) -> tuple[Decimal, bool, int | None]:
    line = CostLine.objects.get(plan=plan)
    return line.amount, line.every_year, line.year


def wait_until_stored(plan, expected, seconds=10.0):
    deadline = time.monotonic() + seconds
    while stored_line(plan) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored_line(plan) == expected


def test_every_year_stays_ticked_and_a_new_tier_is_offered_at_once(
    page, plan, owner, password, screenshot
):
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    cost_lines = page.locator("#rs-cost_lines")
    page.get_by_label("Item, new cost line", exact=True).fill("Exam platform fees")
    page.get_by_label("Category, new cost line", exact=True).select_option(label="Yearly running")
    page.get_by_label("Amount (USD), new cost line", exact=True).fill("18,000")
    page.get_by_label("Every year, new cost line", exact=True).check()
    page.get_by_role("button", name="Add cost line").click()
    expect(cost_lines.get_by_role("status").last).to_have_text("Added the cost line.")
    every_year = page.get_by_label("Every year, cost line 1", exact=True)
    expect(every_year).to_be_checked()
    assert stored_line(plan) == (Decimal("18000.00"), True, None)

    amount = page.get_by_label("Amount (USD), cost line 1", exact=True)
    status = cost_lines.locator("[id^=status-row-cost_lines-]")
    for typed, stored in (("19000", "19000.00"), ("19,500.50", "19500.50")):
        amount.fill(typed)
        amount.press("Tab")
        wait_until_stored(plan, (Decimal(stored), True, None))
        expect(status).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
        expect(every_year).to_be_checked()
    screenshot(page, "cost-line-edited")

    amount.fill("450,00")
    amount.press("Tab")
    expect(cost_lines.locator(".invalid-feedback").filter(has_text="450")).to_have_text(
        "Type 450.00 for four hundred fifty; “450,00” would read as 45000."
    )
    assert stored_line(plan) == (Decimal("19500.50"), True, None)
    assert_no_axe_violations(page)

    page.reload()
    expect(page.get_by_label("Every year, cost line 1", exact=True)).to_be_checked()
    expect(page.get_by_label("Amount (USD), cost line 1", exact=True)).to_have_value("19500.50")

    tier_list = page.get_by_label("Price tier, new candidate forecast", exact=True)
    no_tiers = page.locator("#id_candidate_forecast-new-price_tier_source")
    expect(no_tiers).to_have_text("No price tiers yet: add a price tier first.")
    expect(tier_list).to_have_attribute("aria-describedby", no_tiers.get_attribute("id"))
    page.get_by_label("Tier, new price tier", exact=True).fill("Member")
    page.get_by_label("Audience, new price tier", exact=True).select_option(label="Member")
    page.get_by_label("Price (USD), new price tier", exact=True).fill("245")
    page.get_by_role("button", name="Add price tier").click()
    expect(page.locator("#rs-price_tiers").get_by_role("status").last).to_have_text(
        "Added the price tier."
    )
    expect(tier_list.locator("option")).to_have_text(["---------", "Member"])
    expect(no_tiers).to_have_count(0)
    tier_list.select_option(label="Member")
    page.get_by_label("Year, new candidate forecast", exact=True).select_option(label="Year 1")
    page.get_by_label("Expected candidates, new candidate forecast", exact=True).fill("1,200")
    page.get_by_role("button", name="Add candidate forecast").click()
    expect(page.locator("#rs-candidate_forecast").get_by_role("status").last).to_have_text(
        "Added the candidate forecast."
    )
    expect(page.get_by_label("Price tier, candidate forecast 1", exact=True)).to_have_value(
        re.compile(r"\d+")
    )
    screenshot(page, "tier-offered")
    assert_no_axe_violations(page)
