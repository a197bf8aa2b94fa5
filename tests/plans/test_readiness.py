"""Readiness on the dashboard: each phase is Ready, or lists what is left, each item a
link to where it is fixed; the required questions left count as readiness too."""

import pytest

from microcred.demo.services import load_demo_records
from microcred.plans.readiness_checks import plan_readiness, readiness_by_phase
from microcred.plans.selectors import unanswered_required_questions
from microcred.questionnaires.models import Question
from microcred.records.registry import REGISTRY

pytestmark = pytest.mark.django_db


def test_every_phase_is_ready_once_tables_are_filled_and_nothing_is_required(client, plan, owner):
    Question.objects.filter(version=plan.template_version).update(required=False)
    load_demo_records(plan=plan, user=owner)
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert content.count('class="badge text-bg-success phase-ready"') == 6
    assert "readiness problem" not in content


def test_a_phase_lists_its_required_questions_and_failing_checks_with_links(client, plan, owner):
    load_demo_records(plan=plan, user=owner)
    REGISTRY["planning.price_tiers"].model.objects.filter(plan=plan).delete()
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    planning = readiness_by_phase(plan, missing=unanswered_required_questions(plan))[
        "strategic-planning"
    ]
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
