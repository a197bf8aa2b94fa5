"""A planner starts from the sample results file, saves it with semicolons as a spreadsheet
in many languages does, uploads it and reads what its alpha means."""

import re

import pytest
from playwright.sync_api import expect

from microcred import celery_app

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_the_sample_file_with_semicolons_is_uploaded_and_its_alpha_read(
    page, plan, owner, password, screenshot, tmp_path, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    # Analysed in-process here, as with `make run`, whatever broker this run has.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/maintenance/#panel-maintenance-psychometrics")
    panel = page.locator("#panel-maintenance-psychometrics")
    with page.expect_download() as download:
        panel.get_by_role("link", name="download a sample file").click()
    assert download.value.suggested_filename == "sample-assessment-results.csv"
    sample = tmp_path / "sample.csv"
    download.value.save_as(sample)
    semicolons = tmp_path / "cohort-1.csv"
    semicolons.write_text(sample.read_text().replace(",", ";"))
    panel.get_by_label(re.compile("Results file")).set_input_files(str(semicolons))
    panel.get_by_role("button", name="Upload and analyse").click()
    panel = page.locator("#panel-maintenance-psychometrics")
    expect(
        panel.get_by_role("heading", name=re.compile("Latest analysis: cohort-1.csv"))
    ).to_be_visible(timeout=20_000)
    expect(panel.get_by_text(re.compile("from the file's “max” row \\(1 to 3\\)"))).to_be_visible()
    expect(panel.locator(".alpha-meaning")).to_have_text(
        "Cronbach's alpha 0.81: good: the totals are consistent enough to decide on."
    )
    screenshot(page, "sample-with-semicolons")
    assert_no_axe_violations(page)
