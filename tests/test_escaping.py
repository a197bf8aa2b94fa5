"""Text typed by template admins (question text, help text, choices, phase intro) and by
plan members (answers, comments) is shown as text on every page that shows it."""

import pytest
from django.urls import reverse

from microcred.comments.services import add_comment
from microcred.plans.answers import save_answer
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from microcred.review.services import decide_review, submit_for_review
from tests.reports.conftest import SpyFetcher, pdf_text

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


@pytest.fixture
def hostile_plan(plan, owner, reviewer, superuser):
    """A plan whose template and answers carry a script payload everywhere text goes."""
    plan.title = f"Plan {PAYLOAD}"
    plan.save(update_fields=["title"])
    plan.organization.name = f"Organization {PAYLOAD}"
    plan.organization.short_name = "<script>alert(3)</script>"
    plan.organization.save(update_fields=["name", "short_name"])
    version = plan.template_version
    phase = version.phases.get(slug="strategic-planning")
    phase.intro = f"Intro {PAYLOAD}"
    phase.save(update_fields=["intro"])
    questions = {q.key: q for q in version.questions.all()}
    business_case = questions["business_case"]
    business_case.text = f"Business case {PAYLOAD}"
    business_case.help_text = f"Help {PAYLOAD}"
    business_case.save(update_fields=["text", "help_text"])
    drivers = questions["business_case_drivers"]
    drivers.choices = [*drivers.choices, f"Choice {PAYLOAD}"]
    drivers.save(update_fields=["choices"])
    save_answer(
        plan=plan,
        question=business_case,
        raw_value=f"Answer {PAYLOAD}",
        base_revision=0,
        user=owner,
    )
    save_answer(
        plan=plan,
        question=drivers,
        raw_value={"choices": [f"Choice {PAYLOAD}"], "other": ""},
        base_revision=0,
        user=owner,
    )
    add_comment(plan=plan, user=owner, body=f"Comment {PAYLOAD}", phase=phase, question=drivers)
    submit_for_review(plan=plan, user=owner, note=f"Note {PAYLOAD}", confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Fix it")
    save_answer(
        plan=plan,
        question=business_case,
        raw_value=f"Changed answer {PAYLOAD}",
        base_revision=1,
        user=owner,
    )
    return plan


def plan_pages(plan):
    phase = plan.template_version.phases.get(slug="strategic-planning")
    args = {"plan_id": plan.pk}
    return [
        reverse("plans:dashboard", kwargs=args),
        reverse("plans:phase", kwargs={**args, "phase_slug": "strategic-planning"}),
        reverse("review:submit", kwargs=args),
        reverse("review:changes", kwargs=args),
        reverse("plans:answer_history", kwargs={**args, "question_key": "business_case"}),
        reverse("plans:answer_history", kwargs={**args, "question_key": "business_case_drivers"}),
        reverse("reports:preview", kwargs=args),
        reverse("admin:questionnaires_phase_preview", kwargs={"pk": phase.pk}),
        # Where the plan is one of many, and where its organization's name shows.
        reverse("plans:list"),
        reverse("portfolio:site"),
        reverse("portfolio:organization", kwargs={"slug": plan.organization.slug}),
        reverse("organizations:people", kwargs={"slug": plan.organization.slug}),
        reverse("organizations:settings", kwargs={"slug": plan.organization.slug}),
    ]


def test_payloads_are_inert_on_every_page_that_shows_them(client, hostile_plan, superuser):
    client.force_login(superuser)
    for url in plan_pages(hostile_plan):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert PAYLOAD not in html, url
        assert "<script>alert(2)" not in html, url
        assert "&lt;img src=x onerror=" in html, f"{url} should show the payload as text"


def test_phase_page_shows_help_text_escaped(client, hostile_plan, owner):
    client.force_login(owner)
    url = reverse(
        "plans:phase", kwargs={"plan_id": hostile_plan.pk, "phase_slug": "strategic-planning"}
    )
    html = client.get(url).content.decode()
    assert f"Help {ESCAPED}" in html
    assert f"Intro {ESCAPED}" in html
    assert f"Business case {ESCAPED}" in html


def test_pdf_prints_payloads_as_text(hostile_plan):
    spy_fetcher = SpyFetcher()
    pdf = html_to_pdf(render_plan_html(plan=hostile_plan), url_fetcher=spy_fetcher)
    text = pdf_text(pdf.content)
    assert 'Changed answer <img src=x onerror="alert(1)"><script>alert(2)</script>' in text
    assert 'Choice <img src=x onerror="alert(1)">' in text
    assert all(url.startswith("https://report.invalid/static/") for url in spy_fetcher.asked)
