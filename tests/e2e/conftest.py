"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server.

One browser per session, a fresh context (cookies, storage) per test. Screenshots of the
pages visited go to test-artifacts/, which git ignores.
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect, sync_playwright

from microcred.plans import roles

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told that it is safe, which it is here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
NO_CHROMIUM = "Debian's chromium is not installed: apt-get install chromium"
# What an expect() waits for, as long as an action waits (the page fixture's default): with
# tests in parallel processes, two browsers and live servers share the cores, and a page
# that renders a PDF in-process (eager exports) takes longer than expect()'s own 5 s.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(NO_CHROMIUM, pytrace=False)
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """The role groups come from a data migration, which the flush after each
    transactional test empties; put them back so that users can join them."""
    for name in roles.ALL_GROUPS:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append(message.text),
    )
    yield page
    context.close()
    # Anything the policy refused is a script, style or handler of ours that would not run.
    assert not refused, "Content-Security-Policy refused:\n" + "\n".join(refused)


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot as test-artifacts/<test name>--<step>.png."""

    def take(page, step):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")
        page.screenshot(path=ARTIFACTS / f"{name}--{step}.png", full_page=True)

    return take
