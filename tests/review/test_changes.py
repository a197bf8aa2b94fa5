"""The "Changes since the last review" page: numbered questions that link to their answers."""

import pytest
from django.urls import reverse

from microcred.plans.answers import save_answer
from microcred.review.selectors import changes_since, comparison_round
from microcred.review.services import decide_review, submit_for_review

pytestmark = pytest.mark.django_db

KEYS = ["business_case", "market_gap", "learning_journey"]


@pytest.fixture
def changed_plan(plan, owner, editor, reviewer, template_version):
    """A plan in its second round, with three answers changed since the first."""
    questions = [template_version.questions.get(key=key) for key in KEYS]
    for question in questions:
        save_answer(plan=plan, question=question, raw_value="Before.", base_revision=0, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(
        plan=plan, user=reviewer, decision="changes_requested", reason="Rework 1 and 3.4.1."
    )
    for question in reversed(questions):
        save_answer(plan=plan, question=question, raw_value="After.", base_revision=1, user=editor)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    return plan


def changes_url(plan):
    return reverse("review:changes", kwargs={"plan_id": plan.pk})


def test_changes_are_numbered_as_on_the_phase_pages_in_reading_order(changed_plan):
    changes = changes_since(changed_plan, comparison_round(changed_plan).submitted_at)
    assert [(c.question.phase.title, c.number, c.question.key) for c in changes] == [
        ("Strategic Planning", "1", "business_case"),
        ("Strategic Planning", "3.4.1", "market_gap"),
        ("Design and Development", "4", "learning_journey"),
    ]


def test_each_change_links_to_its_answer_with_its_number(
    client, changed_plan, reviewer, django_assert_num_queries
):
    client.force_login(reviewer)
    with django_assert_num_queries(11):
        content = client.get(changes_url(changed_plan)).content.decode()
    phase = reverse(
        "plans:phase",
        kwargs={"plan_id": changed_plan.pk, "phase_slug": "strategic-planning"},
    )
    assert (
        f'<h2 class="h6" id="change-market_gap"><a href="{phase}#q-market_gap">'
        'Strategic Planning: <span class="question-number">3.4.1</span> '
        "What&#x27;s the gap that microcredential will fill?</a></h2>"
    ) in content
    design = reverse(
        "plans:phase",
        kwargs={"plan_id": changed_plan.pk, "phase_slug": "design-and-development"},
    )
    assert f'<a href="{design}#q-learning_journey">Design and Development: ' in content
    assert content.count('<section class="answer-change') == 3
    assert content.index("change-business_case") < content.index("change-market_gap")
    assert content.index("change-market_gap") < content.index("change-learning_journey")


def test_the_reviewers_reason_is_quoted_once_without_stray_punctuation(client, changed_plan, owner):
    client.force_login(owner)
    content = client.get(changes_url(changed_plan)).content.decode()
    since = comparison_round(changed_plan)
    assert (
        "<p>Answers changed since review round 1 was submitted on "
        f"{since.submitted_at:%-d %B %Y, %H:%M}.</p>"
    ) in content
    assert (
        '<figcaption class="small text-body-secondary">Changes requested by Rosa Reviewer, '
        "with this reason:</figcaption>\n"
        '  <blockquote class="mb-0"><p>Rework 1 and 3.4.1.</p></blockquote>'
    ) in content
    assert "”." not in content
