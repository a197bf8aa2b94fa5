"""Panels: figures a phase app computes, placed after their question on the page and in the PDF."""

from pathlib import Path

import pytest
from django.urls import reverse

from microcred.plans import panels
from microcred.plans.panels import Panel
from microcred.reports.content import plan_report_context
from microcred.reports.rendering import render_plan_html

TEST_TEMPLATES = Path(__file__).parent.parent / "templates"


@pytest.fixture
def test_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}
    ]


def counting_panel(after_question, *, shown=True):
    def build(plan, *, access=None, facts=None):
        if not shown:
            return None
        return {"rows": plan.answers.count(), "viewer": access}

    return Panel(
        name="planning.counter",
        phase_slug="strategic-planning",
        after_question=after_question,
        page_template="tests/panel.html",
        pdf_template="tests/panel.html",
        build=build,
    )


def page(client, plan, user):
    client.force_login(user)
    url = reverse("plans:phase", args=[plan.pk, "strategic-planning"])
    return client.get(url).content.decode()


def test_a_panel_follows_its_question_on_the_page(client, plan, owner, monkeypatch, test_templates):
    monkeypatch.setattr(panels, "PANELS", [counting_panel("business_case")])
    html = page(client, plan, owner)
    assert 'id="panel-planning-counter"' in html
    # After the business case's block, before the next question's.
    panel_at = html.index('id="panel-planning-counter"')
    assert html.index('id="q-business_case"') < panel_at
    assert panel_at < html.index('id="q-', html.index('id="q-business_case"') + 1)


def test_a_panel_whose_question_is_missing_comes_at_the_end(
    client, plan, owner, monkeypatch, test_templates
):
    monkeypatch.setattr(panels, "PANELS", [counting_panel("no_such_question")])
    html = page(client, plan, owner)
    assert html.rindex('id="q-') < html.index('id="panel-planning-counter"')


def test_a_panel_with_nothing_to_show_is_left_out(client, plan, owner, monkeypatch, test_templates):
    monkeypatch.setattr(panels, "PANELS", [counting_panel("business_case", shown=False)])
    assert "panel-planning-counter" not in page(client, plan, owner)


def test_the_report_places_panels_like_the_page(plan, monkeypatch, test_templates):
    monkeypatch.setattr(panels, "PANELS", [counting_panel("business_case"), counting_panel("gone")])
    context = plan_report_context(plan)
    section = context["sections"][0]
    item = next(i for i in section.items if i.question.key == "business_case")
    assert [p.panel.after_question for p in item.panels] == ["business_case"]
    assert [p.panel.after_question for p in section.end_panels] == ["gone"]
    assert item.panels[0].data["viewer"] is None  # the PDF is the same for every reader
    assert render_plan_html(plan=plan).count('id="panel-planning-counter"') == 2
