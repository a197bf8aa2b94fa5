"""Readiness says one thing everywhere: each phase is Ready, or has readiness problems
(its unanswered required questions that apply, then its failing checks), each a link to
where it is fixed, in the same words on the dashboard, the phase page, the submit page and
the decision page, before and during the review."""

import re

import pytest
from django.urls import reverse

from microcred.demo.services import load_demo_records
from microcred.plans.answers import save_answer
from microcred.plans.readiness_checks import (
    plan_readiness,
    readiness_by_phase,
    readiness_of_every_phase,
)
from microcred.questionnaires.models import Question
from microcred.records.registry import REGISTRY
from microcred.review.services import IncompletePlan, submit_for_review

pytestmark = pytest.mark.django_db

BADGE = re.compile(
    r'<span class="badge text-bg-(?:warning|success)[^"]*">([^<]*)(?:</span>)?'
    r'<span class="visually-hidden">(?:: | in )([^<]*)</span>'
)
PROBLEM_LINK = re.compile(
    r'<ul class="readiness-list[^"]*">\s*<li><a[^>]* href="([^"]+)">([^<]+)</a>'
)

PSYCHOMETRICS = (
    "Answer the required question “What is your approach to psychometrics as it relates to "
    "your microcredential?…”."
)


def readiness_shown(content: str) -> list[tuple[str, str]]:
    """Each phase's readiness on a page, as (phase, wording)."""
    return [(phase, wording) for wording, phase in BADGE.findall(content)]


def pages(client, plan, *, owner, reviewer) -> dict[str, str]:
    """The dashboard, the Maintenance page and the submit page as the owner sees them,
    then the decision page as the reviewer does, once the owner has submitted."""
    client.force_login(owner)
    shown = {
        "dashboard": client.get(plan.get_absolute_url()),
        "phase": client.get(
            reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": "maintenance"})
        ),
        "submit": client.get(reverse("review:submit", kwargs={"plan_id": plan.pk})),
    }
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    shown["dashboard in review"] = client.get(plan.get_absolute_url())
    client.force_login(reviewer)
    url = reverse("review:decide", kwargs={"plan_id": plan.pk})
    shown["decision"] = client.get(f"{url}?decision=approved")
    assert {name: response.status_code for name, response in shown.items()} == dict.fromkeys(
        shown, 200
    )
    return {name: response.content.decode() for name, response in shown.items()}


@pytest.fixture
def only_psychometrics_required(plan, owner):
    """A plan whose tables pass every check and whose one required question left is in
    Maintenance."""
    versions = Question.objects.filter(version=plan.template_version)
    versions.update(required=False)
    versions.filter(key="psychometrics_approach").update(required=True)
    load_demo_records(plan=plan, user=owner)
    return plan


def test_one_unanswered_required_question_reads_the_same_on_every_page(
    client, only_psychometrics_required, owner, reviewer
):
    plan = only_psychometrics_required
    others = [
        ("Strategic Planning", "Ready"),
        ("Marketing", "Ready"),
        ("Operational Considerations", "Ready"),
        ("Design and Development", "Ready"),
        ("Delivery", "Ready"),
    ]
    maintenance = ("Maintenance", "1 readiness problem")
    link = (f"/plans/{plan.pk}/phases/maintenance/#q-psychometrics_approach", PSYCHOMETRICS)
    shown = pages(client, plan, owner=owner, reviewer=reviewer)
    assert {name: readiness_shown(content) for name, content in shown.items()} == {
        "dashboard": [*others, maintenance],
        "phase": [maintenance],
        "submit": [*others, maintenance],
        "dashboard in review": [*others, maintenance],
        "decision": [*others, maintenance],
    }
    assert {
        name: PROBLEM_LINK.findall(content) for name, content in shown.items()
    } == dict.fromkeys(shown, [link])
    summary = "<strong>1 readiness problem</strong> in 1 phase; each links to where it is fixed."
    assert summary in shown["submit"] and summary in shown["decision"]
    assert "Nothing is open" not in shown["decision"]


def test_a_ready_plan_reads_ready_on_every_page(client, plan, owner, reviewer):
    Question.objects.filter(version=plan.template_version).update(required=False)
    load_demo_records(plan=plan, user=owner)
    shown = pages(client, plan, owner=owner, reviewer=reviewer)
    phases = [
        "Strategic Planning",
        "Marketing",
        "Operational Considerations",
        "Design and Development",
        "Delivery",
        "Maintenance",
    ]
    assert {name: readiness_shown(content) for name, content in shown.items()} == {
        "dashboard": [(phase, "Ready") for phase in phases],
        "phase": [("Maintenance", "Ready")],
        "submit": [(phase, "Ready") for phase in phases],
        "dashboard in review": [(phase, "Ready") for phase in phases],
        "decision": [(phase, "Ready") for phase in phases],
    }
    assert not any("readiness problem" in content for content in shown.values())
    ready = (
        "Ready: every required question has an answer and every phase passes its readiness checks."
    )
    assert ready in shown["submit"] and ready in shown["decision"]
    assert "Nothing is open: the plan is ready and no comment thread is open." in shown["decision"]
    assert 'name="confirm_incomplete"' not in shown["submit"]


def test_submitting_counts_the_same_problems_as_the_pages(only_psychometrics_required, owner):
    plan = only_psychometrics_required
    with pytest.raises(IncompletePlan) as incomplete:
        submit_for_review(plan=plan, user=owner)
    assert str(incomplete.value) == "The plan has 1 readiness problem."
    assert [problem.message for problem in incomplete.value.problems] == [PSYCHOMETRICS]
    assert incomplete.value.problems == readiness_of_every_phase(plan).problems


def test_a_phase_lists_its_required_questions_and_failing_checks_with_links(client, plan, owner):
    load_demo_records(plan=plan, user=owner)
    REGISTRY["planning.price_tiers"].model.objects.filter(plan=plan).delete()
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    planning = readiness_by_phase(plan)["strategic-planning"]
    assert [problem.message for problem in planning] == [
        "Answer the 7 required questions left, starting with “What is the business case?”.",
        "Add at least one price tier: what candidates or organizations will pay.",
        "Marketing channels have a budget but the plan has no price: add at least one price "
        "tier, so that the spending can be weighed against revenue.",
    ]
    assert f"{len(planning)} readiness problems" in content
    assert (
        f'<a href="/plans/{plan.pk}/phases/strategic-planning/#q-price_tiers">Add at least one '
        "price tier: what candidates or organizations will pay.</a>" in content
    )
    assert (
        f'<a href="/plans/{plan.pk}/phases/strategic-planning/#q-business_case">Answer the 7 '
        "required questions left" in content
    )
    assert [p.question_key for p in plan_readiness(plan)] == ["price_tiers", "price_tiers"]


def test_the_phase_page_fetches_its_readiness_again_once_answers_save(
    client, only_psychometrics_required, owner, django_assert_max_num_queries
):
    plan = only_psychometrics_required
    client.force_login(owner)
    phase_url = reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": "maintenance"})
    part_url = reverse(
        "plans:phase_readiness", kwargs={"plan_id": plan.pk, "phase_slug": "maintenance"}
    )
    page = client.get(phase_url).content.decode()
    assert (
        f'<div class="mb-3" id="phase-readiness" hx-get="{part_url}" '
        'hx-trigger="htmx:afterRequest from:.phase-form delay:1s">' in page
    )
    assert readiness_shown(client.get(part_url).content.decode()) == [
        ("Maintenance", "1 readiness problem")
    ]
    save_answer(
        plan=plan,
        question=plan.template_version.questions.get(key="psychometrics_approach"),
        raw_value="Item statistics after each exam window.",
        base_revision=0,
        user=owner,
    )
    with django_assert_max_num_queries(15):  # the checks worked out again after the change
        part = client.get(part_url).content.decode()
    assert readiness_shown(part) == [("Maintenance", "Ready")]
