"""The ROI panel in a real browser when the candidate forecast stops before year 5: the
years without one say so, the break-even rule is under the chart, and axe finds nothing."""

import re

import pytest
from playwright.sync_api import expect

from planning.models import CandidateForecast
from tests.planning.records_helpers import save_demo_rows

from .axe import assert_no_axe_violations
from .test_answering import log_in

pytestmark = pytest.mark.browser


def test_years_without_a_forecast_read_no_forecast(page, plan, owner, password, screenshot):
    save_demo_rows(plan=plan, app_label="marketing")
    save_demo_rows(plan=plan, app_label="planning")
    CandidateForecast.objects.filter(plan=plan, year__gt=3).delete()
    log_in(page, username=owner.username, password=password)
    page.goto(f"/plans/{plan.pk}/phases/strategic-planning/#panel-planning-roi")
    panel = page.locator("#panel-planning-roi")
    expect(panel.locator(".roi-no-forecast")).to_have_text(
        "No candidate forecast for years 4 and 5: their revenue is unknown, so the net, "
        "break-even, ROI and net present value stop at year 3."
    )
    year_4 = panel.get_by_role("row", name=re.compile("^Year 4"))
    expect(year_4.get_by_role("cell")).to_have_text(
        ["no forecast", "38,000.00 USD", "no forecast", "no forecast"]
    )
    expect(panel.locator("tfoot")).to_contain_text("Total, years 1 to 3")
    chart = panel.get_by_role("img", name="Cumulative net by year, in USD")
    expect(chart).to_have_accessible_description(
        re.compile(r"years 4 and 5: no forecast\. Break-even in year 2, month 10\.$")
    )
    expect(panel.locator("figcaption")).to_contain_text(
        "Break-even is the month from which the cumulative net"
    )
    screenshot(page, "roi-panel-no-forecast")
    assert_no_axe_violations(page)
