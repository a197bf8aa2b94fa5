"""Conditional questions: the rules refuse conditions that cannot work; a question that
does not apply counts nowhere (progress, missing lists, readiness, the report), keeps its
stored answer, and comes back with it when its condition holds again."""

import re

import pytest
from django.urls import reverse

from microcred.plans.answers import save_answer
from microcred.plans.models import Plan
from microcred.plans.progress import phase_progress
from microcred.plans.readiness import PlanFacts
from microcred.plans.selectors import hidden_questions, unanswered_required_questions
from microcred.questionnaires.rules import QuestionRow, condition_problems
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

MODEL = QuestionRow(
    phase="design", key="model", kind="single_choice", choices=["Stackable", "Certificate"]
)
LEARNING = QuestionRow(phase="design", key="learning", kind="yes_no")
ESSAY = QuestionRow(phase="design", key="essay", kind="long_text")


def dependent(**condition) -> QuestionRow:
    return QuestionRow(phase="design", key="parts", **condition)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [dependent(show_if="model", show_if_values=["Stackable"]), MODEL],
            "“model” comes after this question: a question can only depend on an earlier one.",
        ),
        (
            [MODEL, dependent(show_if="nowhere", show_if_values=["x"])],
            "There is no question “nowhere” in this version to depend on.",
        ),
        (
            [ESSAY, dependent(show_if="essay", show_if_values=["x"])],
            "“essay” is a long text question: a question can only depend on a choice or yes / "
            "no question.",
        ),
        (
            [MODEL, dependent(show_if="model", show_if_values=["Badge"])],
            "“Badge” is not an answer to “model”; use one of: Stackable, Certificate.",
        ),
        (
            [LEARNING, dependent(show_if="learning", show_if_values=["maybe"])],
            "“maybe” is not an answer to “learning”; use one of: yes, no.",
        ),
        (
            [MODEL, dependent(show_if="model", show_if_values=[])],
            "Say which answers to “model” show this question.",
        ),
        (
            [dependent(show_if="parts", show_if_values=["x"])],
            "A question cannot depend on its own answer.",
        ),
    ],
)
def test_the_rules_refuse_conditions_that_cannot_work(rows, message):
    assert [problem.message for problem in condition_problems(rows)] == [message]


def test_a_condition_on_an_earlier_offered_answer_is_accepted():
    rows = [MODEL, LEARNING, dependent(show_if="model", show_if_values=["Stackable"])]
    assert condition_problems(rows) == []


def choose_model(plan, user, choice):
    question = plan.template_version.questions.get(key="credential_model")
    stored = plan.answers.filter(question=question).first()
    save_answer(
        plan=plan,
        question=question,
        raw_value={"choice": choice, "other": ""},
        base_revision=stored.revision if stored else 0,
        user=user,
    )


def design_progress(plan):
    fresh = Plan.objects.get(pk=plan.pk)
    return next(
        p for p in phase_progress([fresh])[plan.pk] if p.phase.slug == "design-and-development"
    )


def test_questions_that_do_not_apply_count_nowhere_and_keep_their_answers(plan, owner):
    stackable = plan.template_version.questions.get(key="stackable_requirements")
    choose_model(plan, owner, "Stackable")
    assert stackable.pk not in hidden_questions(Plan.objects.get(pk=plan.pk))
    save_answer(
        plan=plan, question=stackable, raw_value="Three modules.", base_revision=0, user=owner
    )
    with_stack = design_progress(plan)

    choose_model(plan, owner, "Certificate")
    fresh = Plan.objects.get(pk=plan.pk)
    hidden = hidden_questions(fresh)
    assert stackable.pk in hidden
    components = plan.template_version.questions.get(key="stack_components")
    assert components.pk in hidden
    without = design_progress(plan)
    # The requirements and the components table leave both counts; the answer is kept.
    assert (without.answered, without.total) == (with_stack.answered - 1, with_stack.total - 2)
    assert plan.answers.get(question=stackable).value == "Three modules."
    assert stackable not in unanswered_required_questions(fresh)
    assert not PlanFacts(fresh).asks("design.stack_components")
    assert PlanFacts(fresh).answer("stackable_requirements") is None

    choose_model(plan, owner, "Stackable")
    back = design_progress(plan)
    assert (back.answered, back.total) == (with_stack.answered, with_stack.total)


def test_a_save_into_a_question_that_does_not_apply_counts_nowhere(client, plan, owner):
    choose_model(plan, owner, "Certificate")
    before = design_progress(plan)
    client.force_login(owner)
    url = reverse(
        "plans:autosave_answer",
        args=[plan.pk, "design-and-development", "stackable_requirements"],
    )
    response = client.post(
        url, {"stackable_requirements": "Sneaked in.", "stackable_requirements__revision": "0"}
    )
    assert response.status_code == 200
    assert design_progress(plan) == before
    hidden = response.headers["HX-Trigger"]
    assert "stackable_requirements" in hidden and "stack_components" in hidden


def test_the_report_says_a_question_does_not_apply_and_why(plan, owner):
    choose_model(plan, owner, "Certificate")
    text = pdf_text(html_to_pdf(render_plan_html(plan=Plan.objects.get(pk=plan.pk))).content)
    assert (
        "Not applicable: Applies when the answer to “What is the model for microcredential "
        "program?” is “Stackable”." in text
    )


def question_tag(content: str, key: str) -> str:
    """The start tag of a question's block on a phase page."""
    return re.search(rf'<div[^>]*id="q-{key}"[^>]*>', content).group(0)


def test_the_phase_page_hides_what_does_not_apply_until_the_answer_changes(client, plan, owner):
    client.force_login(owner)
    url = reverse("plans:phase", args=[plan.pk, "design-and-development"])
    content = client.get(url).content.decode()
    assert "hidden" in question_tag(content, "stackable_requirements")
    assert "hidden" not in question_tag(content, "credential_model")
    choose_model(plan, owner, "Stackable")
    content = client.get(url).content.decode()
    assert "hidden" not in question_tag(content, "stackable_requirements")
