"""The page size an owner chooses on the Export page is the Word document's (and the
PDF's): chosen by keyboard, saved, exported and downloaded in a real browser, with axe on
each state."""

import re

import pytest
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect

from microcred import celery_app

from .axe import assert_no_axe_violations
from .test_answering import log_in
from .test_first_hour import tab_to

pytestmark = pytest.mark.browser


def test_the_page_size_chosen_on_the_export_page_is_the_word_documents(
    page, plan, owner, password, screenshot, monkeypatch, settings
):
    settings.REPORT_PAGE_SIZE = ""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    log_in(page, username="owner", password=password)
    page.goto(reverse("reports:list", kwargs={"plan_id": plan.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Export Data Privacy Fundamentals")
    page_size = page.get_by_label("Page size")
    # The plan is in US dollars: automatic is US Letter, and the page says so.
    expect(page_size.locator("option:checked")).to_have_text("Automatic (US Letter)")
    assert_no_axe_violations(page)
    page_size.focus()
    page_size.select_option(label="A4")
    tab_to(page, page.get_by_role("button", name="Save options"))
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Export options saved: every export of this plan is made with them.")
    ).to_be_visible()
    expect(page.get_by_label("Page size").locator("option:checked")).to_have_text("A4")
    screenshot(page, "page-size-a4")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Export Word (.docx)").click()
    download_link = page.locator(".export-row").first.get_by_role(
        "link", name=re.compile("^Download Word")
    )
    expect(download_link).to_be_visible()
    with page.expect_download() as download:
        download_link.click()
    section = Document(download.value.path()).sections[0]
    # A4 in Word's twips (11906 × 16838), in EMU.
    assert (section.page_width, section.page_height) == (7560310, 10692130)
