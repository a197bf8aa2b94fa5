"""Tables that fit, in a real browser at a wide, a laptop and a phone width: on Strategic
Planning's price tiers and cost lines of the demo plan, every input is wide enough for
what it holds, the sticky action column covers no cell, and on a phone each row is a
card with each cell's label beside its input and the page never scrolls sideways."""

import pytest
from playwright.sync_api import expect

from microcred.demo.services import demo_password, load_demo_data

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser

WIDE, LAPTOP, TABLET, PHONE = 1920, 1280, 1024, 390
TABLES = ["price_tiers", "cost_lines"]

# Each editable input of one table, in view in turn, measured against what it holds: a
# date input shows the whole date (scrollWidth), a select its longest option, a number
# its value, a text box its whole text where the screen has room for it (`wholeText`) and
# a dozen characters or more where it has not; and the input is what is at its centre (no
# sticky column over it). Returns one line per problem.
MEASURE_INPUTS = """
([tableSelector, wholeText]) => {
  const context = document.createElement("canvas").getContext("2d");
  const textWidth = (text, element) => {
    context.font = getComputedStyle(element).font;
    return context.measureText(text).width;
  };
  const room = (element) => {
    const style = getComputedStyle(element);
    return element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const problems = [];
  const inputs = document.querySelectorAll(
    `${tableSelector} :is(input:not([type=hidden]):not([type=checkbox]), select)`
  );
  for (const input of inputs) {
    const name = input.getAttribute("aria-label");
    input.scrollIntoView({block: "center", inline: "nearest"});
    const box = input.getBoundingClientRect();
    if (input.tagName === "SELECT") {
      const longest = Math.max(...[...input.options].map((o) => textWidth(o.text, input)));
      if (longest > room(input)) {
        problems.push(`${name}: ${Math.round(room(input))}px for its longest option, ` +
                      `${Math.round(longest)}px wide`);
      }
    } else if (input.type === "text" && !input.inputMode && !wholeText) {
      const fontSize = parseFloat(getComputedStyle(input).fontSize);
      if (room(input) < 6 * fontSize) problems.push(`${name}: ${Math.round(room(input))}px`);
    } else if (input.scrollWidth > input.clientWidth) {
      problems.push(`${name}: scrollWidth ${input.scrollWidth} > clientWidth ${input.clientWidth}`);
    } else if (input.type !== "date" && textWidth(input.value, input) > room(input)) {
      problems.push(`${name}: ${Math.round(room(input))}px for "${input.value}"`);
    }
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (hit !== input) {
      problems.push(`${name}: covered by <${hit?.tagName} class="${hit?.className}">`);
    }
  }
  return problems;
}
"""

# On a phone: each cell's label, shown beside its input (same line, to its left).
CARD_LABELS = """
(tableSelector) => {
  const problems = [];
  const rows = document.querySelectorAll(`${tableSelector} tbody tr`);
  for (const row of rows) {
    if (getComputedStyle(row).display !== "block") problems.push(`row ${row.id} is not a card`);
    for (const cell of row.querySelectorAll("td[data-label]")) {
      const label = getComputedStyle(cell, "::before");
      const input = cell.querySelector("input, select, textarea, [role=group]");
      if (label.content !== `"${cell.dataset.label}"` || label.display === "none") {
        problems.push(`${row.id}: no label "${cell.dataset.label}" shown`);
      } else if (input && input.getBoundingClientRect().left < cell.getBoundingClientRect().left
                 + parseFloat(label.width)) {
        problems.push(`${row.id}: "${cell.dataset.label}" is not beside its input`);
      }
    }
  }
  return problems;
}
"""


def demo_plan_as(page, username):
    plan = load_demo_data()
    # The first page a test server serves is slow on a busy machine.
    page.set_default_navigation_timeout(30_000)
    log_in(page, username=username, password=demo_password(username))
    return plan, f"/plans/{plan.pk}/phases/strategic-planning/"


@pytest.fixture
def demo_phase_page(page, template_version):
    return demo_plan_as(page, "manager")


# At TABLET the price tiers are wider than the page and scroll sideways: a cell scrolled to
# (as Tab does) stops beside the sticky column, not under it.
@pytest.mark.parametrize("width", [WIDE, LAPTOP, TABLET, PHONE])
def test_price_tiers_and_cost_lines_fit_the_screen(demo_phase_page, page, width, screenshot):
    plan, url = demo_phase_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    expect(page.get_by_label("Valid to, price tier 1")).to_have_value("2027-12-31")
    screenshot(page, f"strategic-planning-{width}")

    for key in TABLES:
        problems = page.evaluate(MEASURE_INPUTS, [f"#rs-{key} table", width == WIDE])
        assert not problems, "\n".join(problems)
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"the page scrolls sideways: {page_width}px at {width}px"
    if width == PHONE:
        for key in TABLES:
            problems = page.evaluate(CARD_LABELS, f"#rs-{key} table")
            assert not problems, "\n".join(problems)
        expect(page.locator("#rs-price_tiers td[data-label='Valid to']").first).to_be_visible()
    assert_no_axe_violations(page)


def test_a_reviewer_reads_the_tables_as_cards_on_a_phone(page, template_version, screenshot):
    plan, url = demo_plan_as(page, "reviewer")
    page.set_viewport_size({"width": PHONE, "height": 900})
    page.goto(url)
    tiers = "#rs-price_tiers table.record-table"
    expect(page.locator(tiers)).to_be_visible()
    screenshot(page, "strategic-planning-read-only-390")

    for key in TABLES:
        problems = page.evaluate(CARD_LABELS, f"#rs-{key} table.record-table")
        assert not problems, "\n".join(problems)
    first_tier = page.locator(f"{tiers} tbody tr").first
    expect(first_tier.locator("td[data-label='Valid to']")).to_have_text("31 December 2027")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE, f"the page scrolls sideways: {page_width}px at {PHONE}px"
    assert_no_axe_violations(page)


@pytest.mark.parametrize("width", [WIDE, LAPTOP, PHONE])
def test_dashboard_fits_the_screen(demo_phase_page, page, width, screenshot):
    plan, _ = demo_phase_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    screenshot(page, f"dashboard-{width}")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, f"the page scrolls sideways: {page_width}px at {width}px"
