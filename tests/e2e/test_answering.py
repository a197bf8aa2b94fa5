"""A program manager answers phase questions in a real browser: autosave, the plain
"Save answers" button, refused answers, accessibility and keyboard use."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from microcred.demo.services import demo_password, load_demo_data
from microcred.plans.models import Answer, Plan

from .axe import assert_no_axe_violations
from .questions import required_before_any_answer

pytestmark = pytest.mark.browser

BUSINESS_CASE = (
    "Employers keep asking for proof that new hires understand cyber hygiene; "
    "we expect 600 earners in two years."
)
STAYING_CURRENT = "Yes: a short annual attestation and three continuing education hours."
EARNING_REQUIREMENTS = "Complete four online modules and pass a 40-item proctored exam."


def log_in(page, *, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # Reviewers who write no plan land on their review queue, everyone else on their plans.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^(My plans|Awaiting my review)$")
    )


def saved_at(answer):
    return f"Saved at {timezone.localtime(answer.updated_at):%H:%M}"


def last_saved(answer, by="Olivia Owner"):
    return f"Last saved {timezone.localtime(answer.updated_at):%-d %b %Y, %H:%M} by {by}"


def answer_value(plan, key):
    answer = Answer.objects.filter(plan=plan, question__key=key).first()
    return answer.value if answer else None


def phase_counts(page):
    """Each phase's progress bar on the dashboard, as {its label: "n of m"}."""
    counts = {}
    for bar in page.get_by_role("progressbar").all():
        label = page.locator(f"#{bar.get_attribute('aria-labelledby')}").inner_text()
        counts[label] = bar.get_attribute("aria-valuetext").removesuffix(" questions answered")
    return counts


def test_manager_creates_a_plan_and_answers_autosave_and_persist(
    page, owner, password, template_version, screenshot
):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My plans")
    expect(page.get_by_role("heading", level=2)).to_have_text("No plans yet")
    screenshot(page, "1-plan-list-empty")

    page.get_by_role("link", name="New plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New plan")
    page.get_by_label("Microcredential title").fill("Cyber Hygiene Basics")
    page.get_by_label("Organization").fill("Northbridge Institute")
    page.get_by_label("Summary").fill("A short credential in everyday security practice.")
    screenshot(page, "2-new-plan")
    page.get_by_role("button", name="Create plan").click()

    plan = Plan.objects.get(title="Cyber Hygiene Basics")
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.get_by_role("status")).to_have_text("Plan “Cyber Hygiene Basics” created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cyber Hygiene Basics")
    screenshot(page, "3-dashboard-new")

    # Strategic Planning: a long text answer, autosaved when the user moves on.
    page.get_by_role("link", name="Strategic Planning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic Planning")
    business_case = page.locator("textarea[name=business_case]")
    business_case.fill(BUSINESS_CASE)
    business_case.press("Tab")
    status = page.locator("#status-business_case")
    expect(status).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d\s*$"))
    assert answer_value(plan, "business_case") == BUSINESS_CASE
    answer = Answer.objects.get(plan=plan, question__key="business_case")
    expect(status).to_have_text(saved_at(answer))
    screenshot(page, "4-strategic-planning-autosaved")

    page.reload()
    expect(business_case).to_have_value(BUSINESS_CASE)
    expect(status).to_have_text(last_saved(answer))

    # Operational Considerations: a yes/no answer with its explanation.
    page.get_by_role("link", name="Operational Considerations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operational Considerations")
    block = page.locator("#q-staying_current")
    block.get_by_label("Yes").check()
    explanation = page.locator("textarea[name=staying_current__explanation]")
    explanation.fill(STAYING_CURRENT)
    explanation.press("Tab")
    status = page.locator("#status-staying_current")
    expect(status).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d\s*$"))
    screenshot(page, "5-operations-autosaved")
    answer = Answer.objects.get(plan=plan, question__key="staying_current")
    assert answer.value == {"choice": "yes", "explanation": STAYING_CURRENT}
    expect(status).to_have_text(saved_at(answer))
    page.reload()
    expect(block.get_by_label("Yes")).to_be_checked()
    expect(explanation).to_have_value(STAYING_CURRENT)
    expect(status).to_have_text(last_saved(answer))

    # Design and Development: with autosave cut off, the plain "Save answers" button
    # stores the answer.
    page.get_by_role("link", name="Design and Development", exact=True).click()
    page.route(re.compile(r"/questions/[\w-]+/$"), lambda route: route.abort())
    earning = page.locator("textarea[name=earning_requirements]")
    earning.fill(EARNING_REQUIREMENTS)
    earning.press("Tab")
    status = page.locator("#status-earning_requirements")
    expect(status).to_have_text(
        re.compile(
            r"^\s*Not saved yet: the server could not be reached\. Retrying in \d+ s; your "
            r"text is still here\.\s*$"
        )
    )
    assert answer_value(plan, "earning_requirements") is None
    screenshot(page, "6-design-autosave-unreachable")
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status")).to_have_text(
        "Saved 1 answer. All answers on this page are saved."
    )
    screenshot(page, "7-design-saved-with-button")
    assert answer_value(plan, "earning_requirements") == EARNING_REQUIREMENTS
    answer = Answer.objects.get(plan=plan, question__key="earning_requirements")
    page.reload()
    expect(earning).to_have_value(EARNING_REQUIREMENTS)
    expect(status).to_have_text(last_saved(answer))

    page.get_by_role("link", name="Cyber Hygiene Basics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cyber Hygiene Basics")
    # Questions that do not apply are not counted: staying current (yes) brings in the
    # recertification rule; the credential model and "provides learning" are unanswered,
    # so the seven questions that depend on them in Design and Development are out.
    assert phase_counts(page) == {
        "Strategic Planning": "1 of 29",
        "Marketing": "0 of 12",
        "Operational Considerations": "1 of 14",
        "Design and Development": "1 of 11",
        "Delivery": "0 of 6",
        "Maintenance": "0 of 9",
    }
    # The recertification rule is optional: the required questions that apply are those
    # before any answer.
    required = required_before_any_answer(template_version)
    expect(page.locator("#missing-heading + p")).to_have_text(
        f"{required - 3} required questions still need an answer."
    )
    screenshot(page, "8-dashboard-progress")


def test_other_without_text_is_refused_beside_the_field_and_not_stored(
    page, owner, password, plan, screenshot
):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/design-and-development/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Design and Development")
    block = page.locator("#q-credential_model")
    other = block.get_by_label("Other", exact=True)
    status = page.locator("#status-credential_model")

    # Picking "Other" waits for its text rather than reporting an error at once.
    other.check()
    expect(status).to_have_text("Type what “Other” is; it saves when you move on.")
    expect(block.get_by_label("Other (please specify)")).to_be_focused()
    screenshot(page, "1-other-waits-for-text")
    assert answer_value(plan, "credential_model") is None

    # The "Save answers" button refuses it, and says why beside the field.
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("alert")).to_have_text(
        "1 answer could not be saved; see the message beside it."
    )
    expect(other).to_be_checked()
    expect(block.locator(".invalid-feedback, .text-danger").first).to_contain_text(
        "You chose “Other”: say what it is."
    )
    expect(status).to_have_text("")
    screenshot(page, "2-submit-refused")
    assert_no_axe_violations(page)
    assert answer_value(plan, "credential_model") is None

    page.goto(f"/plans/{plan.pk}/phases/design-and-development/")
    expect(other).not_to_be_checked()
    expect(status).to_have_text("")

    # Saying what "Other" is makes the answer acceptable.
    other.check()
    block.get_by_label("Other (please specify)").fill("A badge pathway")
    block.get_by_label("Other (please specify)").press("Tab")
    expect(status).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d\s*$"))
    assert answer_value(plan, "credential_model") == {"choice": "other", "other": "A badge pathway"}


@pytest.mark.parametrize("where", ["login", "plan-list", "dashboard", "phase"])
def test_pages_have_no_axe_violations(page, where, template_version, screenshot):
    if where == "login":
        page.goto("/accounts/login/")
    else:
        plan = load_demo_data()
        log_in(page, username="manager", password=demo_password("manager"))
        page.goto(
            {
                "plan-list": "/plans/",
                "dashboard": f"/plans/{plan.pk}/",
                "phase": f"/plans/{plan.pk}/phases/strategic-planning/",
            }[where]
        )
    screenshot(page, where)
    assert_no_axe_violations(page)


def test_tab_reaches_skip_link_first_and_it_moves_focus_to_main(
    page, owner, password, plan, screenshot
):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    # Visually hidden until focused; focused, it is a readable box, not a 1px clip.
    box = skip_link.bounding_box()
    assert box["width"] > 100 and box["height"] > 20, box
    screenshot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    expect(page.locator("main").get_by_role("link", name="My plans")).to_be_focused()


def test_autosave_keeps_the_text_and_retries_until_the_server_takes_it(
    page, plan, owner, password, question, screenshot
):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    refused = []

    def fail_first_save(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=503, body="Database unavailable")
        else:
            route.continue_()

    page.route(re.compile(r"/questions/business_case/$"), fail_first_save)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    business_case = page.locator("textarea[name=business_case]")
    business_case.fill(BUSINESS_CASE)
    business_case.press("Tab")
    status = page.locator("#status-business_case")
    expect(status).to_have_text(
        "Not saved yet: the server had a problem (503). Retrying in 1 s; your text is still here."
    )
    expect(business_case).to_have_value(BUSINESS_CASE)
    screenshot(page, "1-retrying")
    expect(status).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d\s*$"))
    assert answer_value(plan, "business_case") == BUSINESS_CASE
    assert len(refused) == 1
    # Saved, so following the app's own link asks nothing.
    page.get_by_role("link", name="Marketing →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Marketing"))
    assert dialogs == []
