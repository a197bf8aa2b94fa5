"""The cost, revenue and ROI panel: on the Strategic Planning page and in the PDF, its
chart, and what it asks for while the plan lacks rows."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from microcred.plans.permissions import plan_access
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from planning.charts import cumulative_net_chart, draw_cumulative_net_chart
from planning.figures import plan_figures
from planning.models import CandidateForecast, CostLine, PriceTier
from planning.panels import roi_panel
from tests.planning.records_helpers import make_row, save_demo_rows
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

DEMO_YEARS = [
    ("Year 1", "118,745.00 USD", "221,000.00 USD", "-102,255.00 USD", "-102,255.00 USD"),
    ("Year 2", "170,890.00 USD", "43,000.00 USD", "127,890.00 USD", "25,635.00 USD"),
    ("Year 3", "152,190.00 USD", "50,000.00 USD", "102,190.00 USD", "127,825.00 USD"),
    ("Year 4", "137,325.00 USD", "38,000.00 USD", "99,325.00 USD", "227,150.00 USD"),
    ("Year 5", "130,425.00 USD", "38,000.00 USD", "92,425.00 USD", "319,575.00 USD"),
]
DEMO_TOTAL = ("709,575.00 USD", "390,000.00 USD", "319,575.00 USD")
DEMO_STATEMENTS = [
    "Break-even in year 2, month 10.",
    "Return on investment: 40.7% over 3 years, 81.9% over 5 years.",
    "Net present value of the 5 years at a 0% discount rate: 319,575.00 USD.",
]


@pytest.fixture
def demo_rows(plan):
    save_demo_rows(plan=plan, app_label="marketing")
    save_demo_rows(plan=plan, app_label="planning")
    return plan


def question(plan, key):
    return plan.template_version.questions.get(key=key)


def page(client, plan, user) -> str:
    client.force_login(user)
    response = client.get(reverse("plans:phase", args=[plan.pk, "strategic-planning"]))
    assert response.status_code == 200
    return response.content.decode()


def panel_html(html: str) -> str:
    start = html.index('<section class="card my-4 roi-panel" id="panel-planning-roi"')
    return html[start : html.index("</section>", start)]


def table_rows(html: str) -> list[tuple[str, ...]]:
    """The panel table's rows as text: the year, then each amount."""
    return [
        tuple(re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)[:5])
        for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", html)
    ]


def test_the_panel_follows_the_cost_lines_with_the_figures_in_words_and_by_year(
    client, demo_rows, owner, django_assert_max_num_queries
):
    with django_assert_max_num_queries(60):
        html = page(client, demo_rows, owner)
    # After the last of the tables the figures come from, before the next question.
    panel_at = html.index('id="panel-planning-roi"')
    assert html.index('id="q-cost_lines"') < panel_at < html.index('id="q-sales_approach"')
    panel = panel_html(html)
    for statement in DEMO_STATEMENTS:
        assert f"<li>{statement}</li>" in panel
    assert table_rows(panel) == [*DEMO_YEARS, ("Total, 5 years", *DEMO_TOTAL, "")]
    assert "Amounts in USD." in panel
    settings_url = reverse("plans:settings", args=[demo_rows.pk])
    assert f'<a href="{settings_url}">Change the plan\'s currency or discount rate</a>' in panel
    assert '<svg xmlns:xlink="http://www.w3.org/1999/xlink"' in panel


def test_the_page_reads_the_same_number_of_queries_with_more_rows(
    client, demo_rows, owner, django_assert_num_queries
):
    page(client, demo_rows, owner)
    cache.clear()  # count what rendering the page takes, not a cached copy
    with CaptureQueriesContext(connection) as counted:
        page(client, demo_rows, owner)
    member = PriceTier.objects.get(plan=demo_rows, name="Member")
    for item in ("Accessibility review", "Translation"):
        make_row(
            CostLine,
            plan=demo_rows,
            question=question(demo_rows, "cost_lines"),
            item=item,
            category="other",
            category_other="Quality",
            amount=Decimal(1000),
            every_year=True,
        )
    CandidateForecast.objects.filter(plan=demo_rows, year=5, price_tier=member).delete()
    cache.clear()  # rows changed behind the services' back, which stamp the plan
    with django_assert_num_queries(len(counted.captured_queries)):
        html = page(client, demo_rows, owner)
    # 2,000 more cost a year; 190 members × 295 less revenue in year 5: 121,825 / 320,000
    # over 3 years, 253,525 / 400,000 over 5.
    assert "Return on investment: 38.1% over 3 years, 63.4% over 5 years." in html


def test_readers_get_no_settings_link(client, demo_rows, viewer):
    panel = panel_html(page(client, demo_rows, viewer))
    assert "Break-even in year 2, month 10." in panel
    assert "Change the plan" not in panel


def test_without_forecast_or_costs_the_panel_says_what_to_add_with_links(client, plan, owner):
    save_demo_rows(plan=plan, app_label="planning")
    CandidateForecast.objects.filter(plan=plan).delete()
    CostLine.objects.filter(plan=plan).delete()
    panel = panel_html(page(client, plan, owner))
    here = reverse("plans:phase", args=[plan.pk, "strategic-planning"])
    marketing = reverse("plans:phase", args=[plan.pk, "marketing"])
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', panel) == [
        (
            f"{here}#q-candidate_forecast",
            "Add the candidate forecast: how many candidates you expect each year at each "
            "price tier.",
        ),
        (
            f"{here}#q-cost_lines",
            "Add the cost lines: what developing, running and marketing the program will cost.",
        ),
        (
            f"{marketing}#q-channels",
            "Or give the marketing channels their budgets, which count as costs.",
        ),
    ]
    assert "<svg" not in panel and "roi-table" not in panel


def test_a_plan_with_nothing_yet_is_asked_for_prices_first(plan):
    data = roi_panel(plan)
    assert [table.text for table in data["missing"]] == [
        "Add the price tiers: what candidates or organizations will pay.",
        "Add the candidate forecast: how many candidates you expect each year at each price tier.",
        "Add the cost lines: what developing, running and marketing the program will cost.",
        "Or give the marketing channels their budgets, which count as costs.",
    ]
    assert "chart" not in data


def test_a_version_without_the_forecast_and_cost_questions_shows_no_panel(plan):
    plan.template_version.questions.filter(key__in=["cost_lines", "candidate_forecast"]).delete()
    assert roi_panel(plan) is None


def test_the_discount_rate_and_the_rows_in_another_currency_are_stated(plan, owner):
    tier = make_row(
        PriceTier,
        plan=plan,
        question=question(plan, "price_tiers"),
        name="Member",
        audience="member",
        price=Decimal(100),
    )
    forecast_question = question(plan, "candidate_forecast")
    for year, candidates in [(1, 400), (2, 200), (3, 600)]:
        make_row(
            CandidateForecast,
            plan=plan,
            question=forecast_question,
            year=year,
            price_tier=tier,
            candidates=candidates,
        )
    costs = question(plan, "cost_lines")
    make_row(CostLine, plan=plan, question=costs, item="Build", category="development",
             amount=Decimal(100000), year=1)  # fmt: skip
    make_row(CostLine, plan=plan, question=costs, item="Legal review", category="development",
             amount=Decimal(300), currency="EUR", year=1)  # fmt: skip
    plan.discount_rate = Decimal("10.00")
    data = roi_panel(plan, access=plan_access(user=owner, plan=plan))
    # -60,000 / 1.1 + 20,000 / 1.21 + 60,000 / 1.331 (see test_figures).
    assert data["npv"] == (
        "Net present value of the years 1 to 3 at a 10% discount rate: 7,062.36 USD."
    )
    assert data["break_even"] == "Break-even in year 3, month 8."
    assert data["refusals"] == [
        "The cost line “Legal review” is in EUR, not in the plan's currency USD: it is left "
        "out of the figures."
    ]


NO_FORECAST_4_AND_5 = (
    "No candidate forecast for years 4 and 5: their revenue is unknown, so the net, "
    "break-even, ROI and net present value stop at year 3."
)
BREAK_EVEN_RULE = (
    "Break-even is the month from which the cumulative net (all revenue less all cost since "
    "the start) stays positive. A year's one-off costs (its cost lines for that year alone and "
    "the channels' budgets) count on its first day; its revenue and the costs of every year "
    "come in evenly, month by month. There is none if the cumulative net is not positive to "
    "the end of the forecast."
)
FORECAST_1_TO_3_YEARS = [
    *DEMO_YEARS[:3],
    ("Year 4", "no forecast", "38,000.00 USD", "no forecast", "no forecast"),
    ("Year 5", "no forecast", "38,000.00 USD", "no forecast", "no forecast"),
]
FORECAST_1_TO_3_STATEMENTS = [
    NO_FORECAST_4_AND_5,
    "Break-even in year 2, month 10.",
    "Return on investment: 40.7% over 3 years, none over 5 years (the forecast stops at year 3).",
    "Net present value of the years 1 to 3 at a 0% discount rate: 127,825.00 USD.",
]


@pytest.fixture
def forecast_to_year_3(demo_rows):
    CandidateForecast.objects.filter(plan=demo_rows, year__gt=3).delete()
    cache.clear()  # rows changed behind the services' back, which stamp the plan
    return demo_rows


def test_years_without_a_forecast_say_so_instead_of_a_revenue_of_zero(
    client, forecast_to_year_3, owner
):
    panel = panel_html(page(client, forecast_to_year_3, owner))
    assert re.findall(r"<li[^>]*>([^<]*)</li>", panel)[:4] == FORECAST_1_TO_3_STATEMENTS
    assert table_rows(panel) == [
        *FORECAST_1_TO_3_YEARS,
        ("Total, years 1 to 3", "441,825.00 USD", "314,000.00 USD", "127,825.00 USD", ""),
    ]
    rule = escape(BREAK_EVEN_RULE)
    assert (
        f'<figcaption class="roi-break-even-rule small text-body-secondary">{rule}</figcaption>'
        in panel
    )
    assert "years 4 and 5: no forecast. Break-even in year 2, month 10.</desc>" in panel


def test_the_pdf_says_which_years_have_no_forecast(forecast_to_year_3):
    text = pdf_text(html_to_pdf(render_plan_html(plan=forecast_to_year_3)).content)
    start = text.index("Cost, revenue and ROI")
    panel = text[start : text.index("Amounts in USD, worked out from the plan's tables.", start)]
    for statement in FORECAST_1_TO_3_STATEMENTS:
        assert statement in panel
    for label, *amounts in FORECAST_1_TO_3_YEARS:
        assert f"{label} {' '.join(amounts)}" in panel
    assert BREAK_EVEN_RULE in panel


def test_the_pdf_has_the_table_the_statements_and_the_chart(demo_rows):
    html = render_plan_html(plan=demo_rows)
    assert html.count('id="panel-planning-roi"') == 1
    assert html.count('role="img"') == 1
    text = pdf_text(html_to_pdf(html).content)
    start = text.index("Cost, revenue and ROI")
    panel = text[start : text.index("Amounts in USD, worked out from the plan's tables.", start)]
    for statement in DEMO_STATEMENTS:
        assert statement in panel
    for label, *amounts in DEMO_YEARS:
        assert f"{label} {' '.join(amounts)}" in panel
    assert f"Total, 5 years {' '.join(DEMO_TOTAL)}" in panel
    # The chart's own text (read after the note, where the drawing's text comes).
    chart = text[start : text.index("2. Marketing", start)]
    assert "Cumulative net by year (USD)" in chart
    assert "Break-even: year 2, month 10" in chart


def figures_of(*, cost, candidates_by_year, price="100"):
    member = PriceTier(name="Member", audience="member", price=Decimal(price), currency="USD")
    return plan_figures(
        price_tiers=[member],
        cost_lines=[
            CostLine(
                item="Build", category="development", amount=Decimal(cost), currency="USD", year=1
            )  # fmt: skip
        ],
        forecasts=[
            CandidateForecast(year=year, price_tier=member, candidates=count)
            for year, count in candidates_by_year.items()
        ],
        currency="USD",
    )


def test_the_chart_is_an_accessible_inline_svg_marking_the_break_even():
    figures = figures_of(cost="100000", candidates_by_year={1: 400, 2: 200, 3: 600})
    svg = draw_cumulative_net_chart(figures, html_id="roi-chart")
    assert svg.startswith("<svg ")
    assert 'role="img" aria-labelledby="roi-chart-title" aria-describedby="roi-chart-desc"' in svg
    assert '<title id="roi-chart-title">Cumulative net by year, in USD</title>' in svg
    assert (
        '<desc id="roi-chart-desc">Cumulative net at the end of each year: year 1: -60,000.00 '
        "USD; year 2: -40,000.00 USD; year 3: 20,000.00 USD; years 4 and 5: no forecast. "
        "Break-even in year 3, month 8.</desc>"
    ) in svg
    assert ">Break-even: year 3, month 8</text>" in svg
    assert ">(no forecast)</text>" in svg
    # The break-even marker: a diamond in the break-even green, on the zero line.
    marker = r'<use xlink:href="#m[0-9a-f]{10}" x="[0-9.]+" y="[0-9.]+" fill="#146c43"'
    assert re.search(marker, svg)
    # No inline style for the Content-Security-Policy to refuse, nothing that changes
    # between two drawings, no document prologue.
    assert "style" not in svg
    assert svg == draw_cumulative_net_chart(figures, html_id="roi-chart")
    assert cumulative_net_chart(figures, html_id="roi-chart") == svg
    assert "<?xml" not in svg and "<metadata" not in svg and "<dc:date" not in svg
    assert len(svg.encode()) < 16_000


def test_a_chart_that_never_breaks_even_marks_nothing():
    figures = figures_of(cost="10000", candidates_by_year=dict.fromkeys(range(1, 6), 10))
    svg = draw_cumulative_net_chart(figures, html_id="roi-chart")
    assert "year 5: -5,000.00 USD. No break-even within 5 years.</desc>" in svg
    assert "Break-even:" not in svg and "#146c43" not in svg
