"""Each change to a plan's people, review and version leaves an entry a person can read on
the Members page: who, when, what. Written by the service that makes the change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from microcred.plans.archive import archive_plan, restore_plan
from microcred.plans.members import (
    accept_invitation,
    invite_member,
    remove_member,
    withdraw_invitation,
)
from microcred.plans.models import PlanActivity
from microcred.plans.version_moves import move_plan_to_version
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.review.services import decide_review, reopen_plan, submit_for_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def summaries(plan):
    return list(PlanActivity.objects.filter(plan=plan).values_list("verb", "summary"))


def test_member_changes_are_recorded(plan, owner, viewer):
    newcomer = UserFactory(username="nadia", first_name="Nadia", last_name="New")
    invitation = invite_member(plan=plan, email=newcomer.email, role="editor", invited_by=owner)
    accept_invitation(invitation=invitation, user=newcomer)
    promotion = invite_member(plan=plan, email=viewer.email, role="editor", invited_by=owner)
    accept_invitation(invitation=promotion, user=viewer)
    stray = invite_member(plan=plan, email="x@example.org", role="viewer", invited_by=owner)
    withdraw_invitation(plan=plan, invitation_id=stray.pk, withdrawn_by=owner)
    remove_member(plan=plan, membership_id=plan.memberships.get(user=newcomer).pk, removed_by=owner)
    assert summaries(plan) == [
        ("removed", "Olivia Owner removed Nadia New (editor)"),
        ("invitation_withdrawn", "Olivia Owner withdrew the invitation to x@example.org"),
        ("invited", "Olivia Owner invited x@example.org as viewer"),
        ("role_changed", "Vera Viewer accepted an invitation and is now editor (was viewer)"),
        ("invited", "Olivia Owner invited viewer@example.org as editor"),
        ("joined", "Nadia New joined as editor"),
        ("invited", "Olivia Owner invited nadia@example.org as editor"),
    ]
    assert PlanActivity.objects.filter(plan=plan, verb="joined").get().actor == newcomer


def test_a_refused_change_leaves_no_entry(plan, owner):
    with pytest.raises(ValidationError):
        remove_member(
            plan=plan, membership_id=plan.memberships.get(user=owner).pk, removed_by=owner
        )
    assert summaries(plan) == []


def test_the_review_round_is_recorded(plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="More.")
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    reopen_plan(plan=plan, user=owner)
    assert summaries(plan) == [
        ("reopened", "Olivia Owner reopened the plan for revision after round 2's approval"),
        ("approved", "Rosa Reviewer approved round 2"),
        ("submitted", "Olivia Owner submitted round 2 for review"),
        ("changes_requested", "Rosa Reviewer requested changes in round 1"),
        ("submitted", "Olivia Owner submitted round 1 for review"),
    ]


def test_archiving_and_restoring_are_recorded(plan, owner):
    archive_plan(plan=plan, user=owner)
    restore_plan(plan=plan, user=owner)
    assert summaries(plan) == [
        ("restored", "Olivia Owner restored the plan (draft)"),
        ("archived", "Olivia Owner archived the plan"),
    ]


def test_a_move_to_a_newer_template_version_is_recorded(plan, owner, template_version):
    newer = publish_version(version=create_draft(source=template_version))
    move_plan_to_version(plan=plan, version=newer, user=owner)
    assert summaries(plan) == [
        ("version_moved", f"Olivia Owner moved the plan to template version {newer.number}")
    ]


def test_the_move_page_records_the_move(client, plan, owner, template_version):
    newer = publish_version(version=create_draft(source=template_version))
    client.force_login(owner)
    client.post(reverse("plans:move_version", kwargs={"plan_id": plan.pk}), {"version": newer.pk})
    assert summaries(plan) == [
        ("version_moved", f"Olivia Owner moved the plan to template version {newer.number}")
    ]


def record(plan, owner, count):
    PlanActivity.objects.bulk_create(
        PlanActivity(plan=plan, actor=owner, verb="invited", summary=f"Entry {n}")
        for n in range(count)
    )


def test_the_members_page_lists_the_activity_newest_first(
    client, plan, owner, django_assert_num_queries
):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    before = PlanActivity.objects.count()
    invite_member(plan=plan, email="guest@example.org", role="viewer", invited_by=owner)
    invite_member(plan=plan, email="ann@example.org", role="editor", invited_by=owner)
    assert PlanActivity.objects.count() == before + 2
    client.force_login(owner)
    url = reverse("plans:members", kwargs={"plan_id": plan.pk})
    with django_assert_num_queries(8):  # the owner's: with the committee members offered
        response = client.get(url)
    content = response.content.decode()
    entries = [
        "Olivia Owner invited ann@example.org as editor",
        "Olivia Owner invited guest@example.org as viewer",
        "Olivia Owner submitted round 1 for review",
    ]
    positions = [content.index(f"</time> {entry}</li>") for entry in entries]
    assert positions == sorted(positions)
    assert '<h2 class="h4" id="activity-heading">Activity</h2>' in content
    assert "Show all activity" not in content


def test_the_members_page_shows_the_newest_20_entries_and_all_on_request(client, plan, owner):
    record(plan, owner, 25)
    client.force_login(owner)
    url = reverse("plans:members", kwargs={"plan_id": plan.pk})
    content = client.get(url).content.decode()
    assert content.count('<li class="border-bottom py-1">') == 20
    assert f'<a href="{url}?activity=all#activity-heading">Show all activity</a>' in content
    content = client.get(url, {"activity": "all"}).content.decode()
    assert content.count('<li class="border-bottom py-1">') == 25
    assert "Show all activity" not in content


def test_a_plan_with_no_activity_says_so(client, plan, owner):
    client.force_login(owner)
    content = client.get(reverse("plans:members", kwargs={"plan_id": plan.pk})).content.decode()
    assert "Nothing recorded yet." in content


def test_only_the_owner_sees_invitations_in_the_activity(client, plan, owner, viewer):
    """Addresses invited are the owner's to see, as in the pending invitations."""
    invite_member(plan=plan, email="guest@example.org", role="viewer", invited_by=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(viewer)
    content = client.get(reverse("plans:members", kwargs={"plan_id": plan.pk})).content.decode()
    assert "</time> Olivia Owner submitted round 1 for review</li>" in content
    assert "guest@example.org" not in content
