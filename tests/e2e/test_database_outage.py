"""A writer types while the database is unreachable: the page keeps the text, says it
will retry (to screen readers too), retries with growing pauses, and stores the text
once the server takes it again. The chaos benchmark (benchmarks/chaos.py) makes the real
outage; here the browser is answered what the server answers during one."""

import re
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from microcred.plans.models import Answer

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser

TEXT = "Regional employers asked for a privacy credential their staff can earn in a month."
OUTAGE_PAGE = (
    "<!doctype html><html lang='en'><head><title>Briefly unavailable</title></head><body>"
    "<main><h1>Briefly unavailable</h1><p>The database cannot be reached just now.</p>"
    "</main></body></html>"
)


def retrying(seconds):
    return (
        f"Not saved yet: the server had a problem (503). Retrying in {seconds} s; your "
        "text is still here."
    )


def test_an_autosave_during_a_database_outage_keeps_the_text_and_retries_until_stored(
    page, plan, owner, password, question, screenshot
):
    log_in(page, username="owner", password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/")
    saves = []

    def database_down_for_three_saves(route):
        saves.append(route.request.post_data)
        if len(saves) <= 3:
            route.fulfill(status=503, headers={"Retry-After": "10"}, body=OUTAGE_PAGE)
        else:
            route.continue_()

    page.route(re.compile(r"/questions/business_case/$"), database_down_for_three_saves)
    business_case = page.locator("textarea[name=business_case]")
    business_case.fill(TEXT)
    business_case.press("Tab")
    status = page.locator("#status-business_case")
    expect(status).to_have_attribute("aria-live", "polite")
    for pause in (1, 2, 4):
        expect(status).to_have_text(retrying(pause))
        expect(business_case).to_have_value(TEXT)
        assert not Answer.objects.filter(plan=plan, question__key="business_case").exists()
    screenshot(page, "retrying-in-4-s")
    assert_no_axe_violations(page)

    expect(status).to_have_text(re.compile(r"^\s*Saved at \d\d:\d\d\s*$"))
    expect(business_case).to_have_value(TEXT)
    assert Answer.objects.get(plan=plan, question__key="business_case").value == TEXT
    # Each retry sent the text as it was typed, and nothing more was sent once stored.
    assert len(saves) == 4
    assert [parse_qs(body)["business_case"] for body in saves] == [[TEXT]] * 4
