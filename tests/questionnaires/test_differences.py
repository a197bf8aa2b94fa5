"""What changed from one template version to the next: the one function that computes it,
and the pages that show it (the publish page, the owner's move preview)."""

import pytest
from django.urls import reverse

from microcred.questionnaires.differences import version_differences
from microcred.questionnaires.versions import create_draft, renumber_questions
from tests.questionnaires.conftest import ADDED, REWORDED, draft_with_changes

pytestmark = pytest.mark.django_db

PROVIDES_LEARNING = "Will your program provide learning?"
MODEL = "What is the model for microcredential program?"
VALUE_PROPOSITION = "What is the value proposition?"
MARKET_GAP = "What's the gap that microcredential will fill?"


def summary(differences):
    return {
        "added": [(q.place, q.text) for q in differences.added],
        "removed": [(q.place, q.text) for q in differences.removed],
        "reworded": [(c.after.place, c.before.text, c.after.text) for c in differences.reworded],
        "moved": [(c.key, c.before.place, c.after.place) for c in differences.moved],
        "conditions": [
            (c.key, c.before.condition, c.after.condition) for c in differences.conditions_changed
        ],
    }


def test_a_version_without_changes_has_no_differences(template_version):
    draft = create_draft(source=template_version)
    differences = version_differences(old=template_version, new=draft)
    assert differences.count == 0
    assert summary(differences) == {
        "added": [],
        "removed": [],
        "reworded": [],
        "moved": [],
        "conditions": [],
    }


def test_added_removed_and_reworded_questions_are_listed_where_they_are(template_version):
    draft = draft_with_changes(template_version)
    differences = version_differences(old=template_version, new=draft)
    assert summary(differences) == {
        "added": [("8 in Strategic Planning", ADDED)],
        "removed": [("3.4.1 in Strategic Planning", MARKET_GAP)],
        "reworded": [("1 in Strategic Planning", "What is the business case?", REWORDED)],
        # Removing 3.4.1 renumbers 3.4.2 as 3.4.1: a new number alone is no move.
        "moved": [],
        "conditions": [],
    }
    assert differences.count == 3


def test_a_question_dragged_up_is_the_one_moved_not_those_it_passed(template_version):
    draft = create_draft(source=template_version)
    strategic = draft.phases.get(slug="strategic-planning")
    strategic.questions.filter(key="value_proposition").update(order=0)
    renumber_questions(phase=strategic)
    differences = version_differences(old=template_version, new=draft)
    assert summary(differences)["moved"] == [
        ("value_proposition", "3 in Strategic Planning", "1 in Strategic Planning")
    ]


def test_a_question_given_another_parent_or_phase_is_moved(template_version):
    draft = create_draft(source=template_version)
    strategic = draft.phases.get(slug="strategic-planning")
    marketing = draft.phases.get(slug="marketing")
    strategic.questions.filter(key="market_gap").update(parent=None, order=0)
    draft.questions.filter(key="sales_approach").update(phase=marketing, order=0)
    renumber_questions(phase=strategic)
    renumber_questions(phase=marketing)
    moved = summary(version_differences(old=template_version, new=draft))["moved"]
    assert moved == [
        ("market_gap", "3.4.1 in Strategic Planning", "1 in Strategic Planning"),
        ("sales_approach", "7 in Strategic Planning", "1 in Marketing"),
    ]


def test_changed_conditions_are_listed_in_words(template_version):
    draft = create_draft(source=template_version)
    draft.questions.filter(key="delivery_modalities").update(show_if_values=["no"])
    draft.questions.filter(key="stackable_requirements").update(
        show_if_question=None, show_if_values=[]
    )
    # The same answers in another order are the same condition.
    draft.questions.filter(key="learning_media").update(show_if_values=["yes"])
    conditions = summary(version_differences(old=template_version, new=draft))["conditions"]
    assert conditions == [
        (
            "stackable_requirements",
            f"Shown only when 1 “{MODEL}” is “Stackable”.",
            "",
        ),
        (
            "delivery_modalities",
            f"Shown only when 5 “{PROVIDES_LEARNING}” is “Yes”.",
            f"Shown only when 5 “{PROVIDES_LEARNING}” is “No”.",
        ),
    ]


def test_the_publish_page_lists_what_changed_since_the_published_version(
    client, template_admin, template_version
):
    draft = draft_with_changes(template_version)
    draft.questions.filter(key="delivery_modalities").update(show_if_values=["no"])
    client.force_login(template_admin)
    response = client.get(reverse("admin:questionnaires_templateversion_publish", args=[draft.pk]))
    content = response.content.decode()
    number, new = template_version.number, draft.number
    assert f'<h2 id="differences-heading" class="h4">What changed since version {number}</h2>' in (
        content
    )
    assert f"<p>4 changes from version {number} to version {new}." in content
    assert f"<li>8 in Strategic Planning: {ADDED}</li>" in content
    gap = "What&#x27;s the gap that microcredential will fill?"
    assert f"<li>3.4.1 in Strategic Planning: {gap}</li>" in content
    assert (
        f"<li>1 in Strategic Planning: now “{REWORDED}”, was “What is the business case?”</li>"
        in content
    )
    assert (
        "<li>5.2 in Design and Development: “What are the delivery modalities? Will you have "
        "asynchronous and synchronous options, or just one or the other?”. Now: Shown only when "
        f"5 “{PROVIDES_LEARNING}” is “No”. Before: Shown only when 5 “{PROVIDES_LEARNING}” is "
        "“Yes”.</li>" in content
    )


def test_question_text_is_escaped_in_the_list(client, template_admin, template_version):
    draft = create_draft(source=template_version)
    draft.questions.filter(key="business_case").update(text="<script>alert(1)</script>?")
    client.force_login(template_admin)
    content = client.get(
        reverse("admin:questionnaires_templateversion_publish", args=[draft.pk])
    ).content.decode()
    assert "now “&lt;script&gt;alert(1)&lt;/script&gt;?”" in content
    assert "<script>alert(1)" not in content


def test_the_publish_page_lists_moved_questions(client, template_admin, template_version):
    draft = create_draft(source=template_version)
    strategic = draft.phases.get(slug="strategic-planning")
    strategic.questions.filter(key="value_proposition").update(order=0)
    renumber_questions(phase=strategic)
    client.force_login(template_admin)
    content = client.get(
        reverse("admin:questionnaires_templateversion_publish", args=[draft.pk])
    ).content.decode()
    assert (
        f'<ul class="differences-moved"><li>“{VALUE_PROPOSITION}” moved from 3 in Strategic '
        "Planning to 1 in Strategic Planning</li></ul>" in content
    )


def test_the_owner_sees_what_changed_when_previewing_the_move(
    client, answered_plan, version_two, owner
):
    client.force_login(owner)
    content = client.get(
        reverse("plans:move_version", kwargs={"plan_id": answered_plan.pk})
    ).content.decode()
    assert f"What changed since version {answered_plan.template_version.number}</h2>" in content
    assert f"<li>8 in Strategic Planning: {ADDED}</li>" in content
    assert (
        f"<li>1 in Strategic Planning: now “{REWORDED}”, was “What is the business case?”</li>"
        in content
    )
