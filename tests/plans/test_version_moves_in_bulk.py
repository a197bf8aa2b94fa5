"""Template admins move several plans to a new version at once: each plan with the
preview its owner sees, nothing moved where answers could not be placed unless that plan
is confirmed, and a page saying what moved and what did not, and why."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from microcred.plans import roles
from microcred.plans.answers import save_answer
from microcred.plans.models import Answer, Plan
from microcred.plans.version_moves import (
    move_plans_to_version,
    plans_on_older_versions,
    version_move,
    version_moves,
)
from microcred.questionnaires.versions import create_draft, publish_version
from tests.factories import PlanFactory, UserFactory
from tests.questionnaires.conftest import draft_with_changes

pytestmark = pytest.mark.django_db

MARKET_GAP = "No vendor-neutral, assessed credential for practitioners."


@pytest.fixture
def template_admin(db):
    user = UserFactory(username="templates", first_name="Tomas", last_name="Berg", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.TEMPLATE_ADMINS))
    return user


@pytest.fixture
def version_two(template_version):
    return publish_version(version=draft_with_changes(template_version))


def answer(plan, key, value, user):
    question = plan.template_version.questions.get(key=key)
    save_answer(plan=plan, question=question, raw_value=value, base_revision=0, user=user)


@pytest.fixture
def plans(plan, owner, template_version):
    """Three plans on the default version: one with an answer that version two cannot
    place (market_gap is gone), one whose answers all fit, one in review."""
    answer(plan, "business_case", "Employers ask for it.", owner)
    answer(plan, "market_gap", MARKET_GAP, owner)
    fitting = PlanFactory(title="Cloud Security Basics", template_version=template_version)
    answer(fitting, "business_case", "Members ask for it.", fitting.created_by)
    in_review = PlanFactory(title="Applied Ethics", template_version=template_version)
    Plan.objects.filter(pk=in_review.pk).update(status=Plan.Status.IN_REVIEW)
    in_review.refresh_from_db()
    return plan, fitting, in_review


def outcomes_of(outcomes):
    return [(outcome.plan.title, outcome.moved, outcome.message) for outcome in outcomes]


UNPLACED = (
    "1 answer could not be placed in version {number} and would be kept under “Archived "
    "answers”. Confirm this plan to move it anyway."
)
IN_REVIEW = (
    "This plan is in review: its answers are locked until a reviewer requests changes or "
    "approves it."
)


def test_plans_with_answers_that_cannot_be_placed_stay_unless_confirmed(
    plans, version_two, template_admin, template_version
):
    unplaced, fitting, in_review = plans
    outcomes = move_plans_to_version(
        plans=[unplaced, fitting, in_review],
        version=version_two,
        confirmed_ids=set(),
        user=template_admin,
    )
    assert outcomes_of(outcomes) == [
        ("Data Privacy Fundamentals", False, UNPLACED.format(number=version_two.number)),
        (
            "Cloud Security Basics",
            True,
            f"Moved to template version {version_two.number}: 1 answer carried over.",
        ),
        ("Applied Ethics", False, IN_REVIEW),
    ]
    unplaced.refresh_from_db()
    in_review.refresh_from_db()
    assert unplaced.template_version == template_version
    assert in_review.template_version == template_version
    assert set(
        Answer.objects.filter(plan=unplaced).values_list("question__version", flat=True)
    ) == {template_version.pk}
    assert Plan.objects.get(pk=fitting.pk).template_version == version_two


def test_a_confirmed_plan_moves_and_keeps_what_cannot_be_placed(plans, version_two, template_admin):
    unplaced, _, _ = plans
    outcomes = move_plans_to_version(
        plans=[unplaced], version=version_two, confirmed_ids={unplaced.pk}, user=template_admin
    )
    assert outcomes_of(outcomes) == [
        (
            "Data Privacy Fundamentals",
            True,
            f"Moved to template version {version_two.number}: 1 answer carried over, 1 kept "
            "under “Archived answers”.",
        )
    ]
    unplaced.refresh_from_db()
    assert unplaced.template_version == version_two
    assert Answer.objects.get(plan=unplaced, question__key="market_gap").value == MARKET_GAP


def test_the_previews_of_many_plans_are_those_of_each_in_three_queries(
    plans, version_two, django_assert_num_queries
):
    with django_assert_num_queries(3):
        moves = version_moves(plans=list(plans), target=version_two)
    for plan in plans:
        single = version_move(plan=plan, target=version_two)
        many = moves[plan.pk]
        assert [c.answer.pk for c in many.carried] == [c.answer.pk for c in single.carried]
        assert [a.reason for a in many.archived] == [a.reason for a in single.archived]
        assert many.new_questions == single.new_questions
    assert [a.display for a in moves[plans[0].pk].archived] == [MARKET_GAP]


def test_only_plans_on_older_versions_are_listed(plans, version_two, template_version):
    newer = PlanFactory(title="Already there", template_version=version_two)
    listed = plans_on_older_versions(version=version_two)
    assert [plan.title for plan in listed] == [
        "Applied Ethics",
        "Cloud Security Basics",
        "Data Privacy Fundamentals",
    ]
    assert newer not in listed


def move_plans_url(version):
    return reverse("plans:move_plans", kwargs={"version_id": version.pk})


def test_people_who_are_not_template_admins_may_not_move_plans(client, plans, version_two, owner):
    client.force_login(owner)
    assert client.get(move_plans_url(version_two)).status_code == 403
    response = client.post(move_plans_url(version_two), {"plans": [plans[1].pk]})
    assert response.status_code == 403
    assert Plan.objects.get(pk=plans[1].pk).template_version != version_two


def test_the_page_lists_each_plan_with_its_preview_in_a_fixed_number_of_queries(
    client, plans, version_two, template_admin, template_version, django_assert_max_num_queries
):
    client.force_login(template_admin)
    with django_assert_max_num_queries(16):
        content = client.get(move_plans_url(version_two)).content.decode()
    number = template_version.number
    assert f'<h1 class="h2">Move plans to template version {version_two.number}</h1>' in content
    assert f"Plans on version {number} (3)</h2>" in content
    assert (
        f"What changed from version {number} to version {version_two.number}: 3 changes" in content
    )
    assert (
        f'<label class="form-check-label fw-semibold" for="move-{plans[0].pk}">Move “Data '
        "Privacy Fundamentals”</label>" in content
    )
    assert (
        "Owner: Olivia Owner. 1 answer carries over, 1 new question, 1 answer cannot be placed."
        in content
    )
    assert (
        f'<label class="form-check-label" for="confirm-{plans[0].pk}">Move “Data Privacy '
        "Fundamentals” even though 1 answer cannot be placed (kept under “Archived "
        "answers”)</label>" in content
    )
    assert f'id="confirm-{plans[1].pk}"' not in content
    assert MARKET_GAP in content
    assert f"Version {version_two.number} does not ask this question." in content
    assert f"Cannot move now: {IN_REVIEW}" in content
    assert f'id="move-{plans[2].pk}"' not in content
    for n in range(4):
        PlanFactory(title=f"Extra {n}", template_version=template_version)
    with django_assert_max_num_queries(16):
        client.get(move_plans_url(version_two))


def test_choosing_no_plan_says_so_and_moves_nothing(
    client, plans, version_two, template_admin, template_version
):
    client.force_login(template_admin)
    response = client.post(move_plans_url(version_two), {"confirmed": [plans[0].pk]})
    content = response.content.decode()
    assert (
        '<div class="alert alert-danger" role="alert" id="move-plans-errors">Choose at least '
        "one plan to move.</div>" in content
    )
    assert f'id="confirm-{plans[0].pk}" checked' in content
    assert not Plan.objects.filter(template_version=version_two).exists()


def test_a_plan_that_is_not_listed_is_refused_beside_the_list(
    client, plans, version_two, template_admin
):
    newer = PlanFactory(title="Already there", template_version=version_two)
    client.force_login(template_admin)
    response = client.post(move_plans_url(version_two), {"plans": [plans[1].pk, newer.pk]})
    assert (
        f"Select a valid choice. {newer.pk} is not one of the available choices."
        in response.content.decode()
    )
    assert Plan.objects.get(pk=plans[1].pk).template_version != version_two


def test_the_result_page_says_what_moved_and_what_did_not_and_why(
    client, plans, version_two, template_admin
):
    unplaced, fitting, in_review = plans
    client.force_login(template_admin)
    response = client.post(
        move_plans_url(version_two), {"plans": [unplaced.pk, fitting.pk, in_review.pk]}
    )
    content = response.content.decode()
    number = version_two.number
    assert f'<h1 class="h2">Moved 1 of 3 plans to template version {number}</h1>' in content
    assert (
        '<ul id="moved-plans"><li><strong>Cloud Security Basics</strong>: Moved to template '
        f"version {number}: 1 answer carried over.</li></ul>" in content
    )
    assert (
        '<ul id="plans-not-moved"><li><strong>Applied Ethics</strong>: '
        f"{IN_REVIEW}</li><li><strong>Data Privacy Fundamentals</strong>: "
        f"{UNPLACED.format(number=number)}</li></ul>" in content
    )


def test_plans_move_only_to_the_published_version(client, template_admin, template_version):
    draft = create_draft(source=template_version)
    client.force_login(template_admin)
    response = client.get(move_plans_url(draft), follow=True)
    assert response.redirect_chain == [
        (reverse("admin:questionnaires_templateversion_change", args=[draft.pk]), 302)
    ]
    assert (
        f"Version {draft.number} is not published: plans move only to the published version."
        in ([str(message) for message in response.context["messages"]])
    )


def test_the_published_version_links_to_moving_plans(client, template_admin, version_two):
    client.force_login(template_admin)
    content = client.get(
        reverse("admin:questionnaires_templateversion_change", args=[version_two.pk])
    ).content.decode()
    assert f'<li><a href="{move_plans_url(version_two)}">Move plans to this version…</a></li>' in (
        content
    )
