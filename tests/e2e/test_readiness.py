"""Readiness in a real browser: the dashboard says Maintenance has one readiness problem,
its link leads to the question, the phase page says the same and turns Ready once the
answer saves, and the submit page then says Ready too."""

import pytest
from playwright.sync_api import expect

from microcred.demo.services import load_demo_records
from microcred.questionnaires.models import Question

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_a_readiness_problem_leads_to_its_question_and_clears_once_answered(
    page, plan, owner, password, screenshot
):
    questions = Question.objects.filter(version=plan.template_version)
    questions.update(required=False)
    questions.filter(key="psychometrics_approach").update(required=True)
    load_demo_records(plan=plan, user=owner)
    log_in(page, username=owner.username, password=password)
    page.goto(plan.get_absolute_url())
    phases = page.get_by_role("region", name="Phases")
    expect(phases.locator(".phase-ready")).to_have_count(5)
    problem = phases.get_by_text("1 readiness problem", exact=True)
    expect(problem).to_have_count(1)
    problem.click()
    link = phases.get_by_role("link", name="Answer the required question “What is your approach")
    assert_no_axe_violations(page)
    screenshot(page, "dashboard")
    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Maintenance")
    readiness = page.locator("#phase-readiness")
    expect(readiness.locator("summary")).to_have_text("1 readiness problem in Maintenance")
    answer = page.locator("textarea[name=psychometrics_approach]")
    expect(answer).to_be_in_viewport()
    answer.fill("Item difficulty and discrimination after each exam window.")
    answer.press("Tab")
    expect(readiness.locator(".phase-ready")).to_have_text("Ready: Maintenance")
    assert_no_axe_violations(page)
    screenshot(page, "phase-ready")

    page.goto(plan.get_absolute_url())
    expect(page.get_by_role("region", name="Phases").locator(".phase-ready")).to_have_count(6)
    page.get_by_role("link", name="Submit for review").click()
    expect(page.locator("#readiness-summary")).to_have_text(
        "Ready: every required question has an answer and every phase passes its readiness checks."
    )
    expect(page.locator(".phase-ready")).to_have_count(6)
    expect(page.get_by_label("Submit even though", exact=False)).to_have_count(0)
    assert_no_axe_violations(page)
