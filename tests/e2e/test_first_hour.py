"""A program manager's first hour and a reviewer's first login, in a real browser: where
people land, a new plan's start by keyboard, leaving a phase just after typing, visible
focus, and the phase list beside long phases."""

import re

import pytest
from playwright.sync_api import expect

from microcred.plans.models import Answer

from .axe import assert_no_axe_violations
from .conftest import ARTIFACTS
from .questions import phase_total_before_any_answer, required_before_any_answer
from .test_answering import log_in

pytestmark = pytest.mark.browser

BRAND_BLUE = "rgb(31, 58, 95)"
BUSINESS_CASE = "Employers keep asking for proof of data privacy skills."


def answer_value(plan, key):
    answer = Answer.objects.filter(plan=plan, question__key=key).first()
    return answer.value if answer else None


def tab_to(page, locator, *, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {locator}")


def focus_ring(page):
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return {style: style.outlineStyle, width: style.outlineWidth,
                    color: style.outlineColor};
        }"""
    )


def test_a_reviewer_lands_on_awaiting_my_review(page, plan, reviewer, password, screenshot):
    log_in(page, username="reviewer", password=password)
    expect(page).to_have_url(re.compile(r"/plans/reviews/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Awaiting my review")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Awaiting my review")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("link", name="New plan")).to_have_count(0)
    screenshot(page, "reviewer-landing")
    assert_no_axe_violations(page)


def test_a_program_manager_lands_on_my_plans_without_a_review_queue(
    page, plan, owner, password, screenshot
):
    log_in(page, username="owner", password=password)
    expect(page).to_have_url(re.compile(r"/plans/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My plans")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Awaiting my review")).to_have_count(0)
    strategic = phase_total_before_any_answer(plan.template_version, "strategic-planning")
    expect(page.locator(".phase-progress").first).to_contain_text(
        f"0 of {strategic} questions answered"
    )
    screenshot(page, "plan-list")
    # The CSV downloads: the tables' list opens by keyboard.
    tables = page.get_by_text("One CSV per table")
    tab_to(page, tables)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Price tiers", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Answers (one row per plan and question)").click()
    assert re.fullmatch(r"plan-answers-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    assert download.value.path().read_bytes().startswith(b"\xef\xbb\xbfPlan id,Plan title,")


def test_a_new_plan_starts_by_keyboard(page, plan, owner, password, screenshot):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/")
    start = page.get_by_role("region", name="How this works")
    expect(start.get_by_role("listitem")).to_have_count(6)
    expect(start.get_by_role("listitem").first).to_have_text(
        "Strategic Planning"
        "Strategic planning decides whether a microcredential is worth building at all."
    )
    expect(page.locator("#missing-heading + p")).to_have_text(
        f"{required_before_any_answer(plan.template_version)} required questions still need "
        "an answer."
    )
    screenshot(page, "1-new-plan")
    assert_no_axe_violations(page)

    # The folded rest of a phase's unanswered questions opens from the keyboard.
    more = page.locator("summary", has_text="more in Strategic Planning")
    expect(more).to_have_text("and 4 more in Strategic Planning")
    tab_to(page, more)
    expect(page.locator("details.missing-more").first).not_to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(page.locator("details.missing-more").first).to_have_attribute("open", "")
    screenshot(page, "2-missing-unfolded")
    assert_no_axe_violations(page)

    # The start button leads to the first required question; the next Tab is in it.
    page.goto(f"/plans/{plan.pk}/")
    button = start.get_by_role("link", name=re.compile(r"^Start with: What is the business"))
    tab_to(page, button)
    assert focus_ring(page)["style"] == "solid"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/phases/strategic-planning/#q-business_case$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic Planning")
    page.keyboard.press("Tab")
    expect(page.locator("textarea[name=business_case]")).to_be_focused()
    page.keyboard.type(BUSINESS_CASE)
    page.keyboard.press("Tab")
    expect(page.locator("#status-business_case")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    strategic = phase_total_before_any_answer(plan.template_version, "strategic-planning")
    expect(page.locator("#phase-count-strategic-planning")).to_have_text(
        f"1 of {strategic} questions answered"
    )
    assert answer_value(plan, "business_case") == BUSINESS_CASE
    screenshot(page, "3-first-answer")
    assert_no_axe_violations(page)


def test_next_phase_right_after_typing_saves_without_asking_to_leave(
    page, plan, owner, password, screenshot
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    answer = page.locator("textarea[name=business_case]")
    answer.click()
    page.keyboard.type("Employers ask for it.", delay=5)
    # Well within a second of the last key, and before the autosave's pause is over.
    page.get_by_role("link", name="Marketing →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marketing")
    assert dialogs == []
    assert answer_value(plan, "business_case") == "Employers ask for it."

    # A sidebar link, with the answer not yet sent: it goes first, then the page.
    page.locator("textarea[name=marketing_focus_and_messaging]").fill("Trust, not fear.")
    page.get_by_role("navigation", name="Phases").get_by_role("link", name="Delivery").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery")
    assert dialogs == []
    assert answer_value(plan, "marketing_focus_and_messaging") == "Trust, not fear."
    screenshot(page, "left-after-saving")


def test_posting_a_comment_right_after_typing_keeps_the_answer(page, plan, owner, password):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    page.locator("textarea[name=business_case]").fill("Employers ask for it.")
    page.get_by_label("New comment on this phase").fill("Ready for a first look.")
    page.get_by_role("button", name="Post comment").last.click()
    expect(page.get_by_role("status")).to_have_text("Comment posted.")
    assert dialogs == []
    assert answer_value(plan, "business_case") == "Employers ask for it."
    expect(page.locator("textarea[name=business_case]")).to_have_value("Employers ask for it.")


def test_leaving_with_an_answer_the_server_never_took_still_asks(page, plan, owner, password):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    page.route(re.compile(r"/questions/[\w-]+/$"), lambda route: route.abort())
    page.locator("textarea[name=business_case]").fill("Lost unless I stay.")
    page.get_by_role("link", name="Marketing →").click()
    # The page waits up to 3 s for the save, which never comes, then leaves, and asks.
    for _ in range(80):
        if dialogs:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    # Dismissed: the page and the text stay.
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic Planning")
    expect(page.locator("textarea[name=business_case]")).to_have_value("Lost unless I stay.")


def test_focus_is_visible_on_the_dark_navbar_and_on_the_page(page, plan, owner, password):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/")
    navbar = page.get_by_role("navigation", name="Main")
    assert navbar.evaluate("nav => getComputedStyle(nav).backgroundColor") == BRAND_BLUE
    for name in ["Microcred Planner", "My plans"]:
        tab_to(page, navbar.get_by_role("link", name=name, exact=True))
        ring = focus_ring(page)
        assert ring["style"] == "solid", name
        assert float(ring["width"].removesuffix("px")) >= 2, ring
        assert ring["color"] == "rgb(255, 255, 255)" != BRAND_BLUE, ring
    tab_to(page, navbar.get_by_role("button", name="Log out"))
    assert focus_ring(page) == {"style": "solid", "width": "3px", "color": "rgb(255, 255, 255)"}
    # On the white page, a dark blue ring, also on Bootstrap's buttons and fields.
    tab_to(page, page.get_by_role("button", name="Export PDF"))
    assert focus_ring(page) == {"style": "solid", "width": "3px", "color": "rgb(11, 92, 173)"}
    page.goto(f"/plans/{plan.pk}/phases/marketing/")
    tab_to(page, page.locator("textarea[name=marketing_focus_and_messaging]"))
    assert focus_ring(page) == {"style": "solid", "width": "3px", "color": "rgb(11, 92, 173)"}


def test_the_phase_list_stays_in_view_beside_a_long_phase(page, plan, owner, password):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    sidebar = page.get_by_role("navigation", name="Phases")
    page.get_by_role("heading", name="Comments on the whole phase").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 3000
    box = sidebar.bounding_box()
    assert 0 <= box["y"] <= 20, box
    expect(sidebar.get_by_role("link", name="Maintenance")).to_be_in_viewport()
    page.screenshot(path=ARTIFACTS / "test_first_hour--sidebar-in-view.png")

    # On a narrow screen, it is an ordinary block after the questions.
    page.set_viewport_size({"width": 700, "height": 900})
    assert sidebar.evaluate("nav => getComputedStyle(nav).position") == "static"
