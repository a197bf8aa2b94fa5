"""The owner archives a finished or abandoned plan and restores it: archived plans leave
"My plans" and the review queue, stay readable and exportable, and their answers lock."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from microcred import celery_app
from microcred.plans.answers import AnswersLocked, save_answer
from microcred.plans.archive import archive_plan, restore_plan
from microcred.plans.models import Plan
from microcred.reports.models import ReportExport
from microcred.review.services import decide_review, submit_for_review
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

ONLY_OWNER = "Only the plan's owner can archive or restore it."


def test_the_owner_archives_a_draft_and_restores_it_as_a_draft(plan, owner):
    archive_plan(plan=plan, user=owner)
    plan.refresh_from_db()
    assert (plan.status, plan.status_before_archive) == ("archived", "draft")
    assert plan.answers_lock_reason == "This plan is archived: its answers are locked."
    restore_plan(plan=plan, user=owner)
    plan.refresh_from_db()
    assert (plan.status, plan.status_before_archive) == ("draft", "")


def test_an_approved_plan_comes_back_approved(plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    archive_plan(plan=plan, user=owner)
    restore_plan(plan=plan, user=owner)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED


def test_a_plan_with_changes_requested_comes_back_so(plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="More.")
    archive_plan(plan=plan, user=owner)
    assert restore_plan(plan=plan, user=owner).status == Plan.Status.CHANGES_REQUESTED


def test_a_plan_in_review_cannot_be_archived(plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(ValidationError) as error:
        archive_plan(plan=plan, user=owner)
    assert error.value.messages == [
        "Only a draft, a plan with changes requested or an approved plan can be archived: "
        "this one is in review."
    ]
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_REVIEW


def test_archiving_twice_is_refused_and_keeps_the_first_status(plan, owner):
    stale = Plan.objects.get(pk=plan.pk)  # read before the first archiving: a draft
    archive_plan(plan=plan, user=owner)
    with pytest.raises(ValidationError) as error:
        archive_plan(plan=stale, user=owner)
    assert error.value.messages == [
        "Only a draft, a plan with changes requested or an approved plan can be archived: "
        "this one is archived."
    ]
    plan.refresh_from_db()
    assert plan.status_before_archive == "draft"


def test_restoring_a_plan_that_is_not_archived_is_refused(plan, owner):
    with pytest.raises(ValidationError) as error:
        restore_plan(plan=plan, user=owner)
    assert error.value.messages == ["Only an archived plan can be restored: this one is draft."]


def test_only_the_owner_archives_and_restores(plan, owner, editor, reviewer):
    for user in (editor, reviewer):
        with pytest.raises(PermissionDenied) as error:
            archive_plan(plan=plan, user=user)
        assert str(error.value) == ONLY_OWNER
    archive_plan(plan=plan, user=owner)
    with pytest.raises(PermissionDenied) as error:
        restore_plan(plan=plan, user=editor)
    assert str(error.value) == ONLY_OWNER


def test_answers_of_an_archived_plan_are_locked(plan, owner, question):
    archive_plan(plan=plan, user=owner)
    plan.refresh_from_db()
    with pytest.raises(AnswersLocked, match="This plan is archived: its answers are locked."):
        save_answer(plan=plan, question=question, raw_value="Late.", base_revision=0, user=owner)


def test_archived_plans_leave_my_plans_for_the_archived_list(
    client, plan, owner, template_version, django_assert_num_queries
):
    for title in ("Cloud Basics", "Data Ethics"):
        other = PlanFactory(title=title, created_by=owner, template_version=template_version)
        archive_plan(plan=other, user=owner)
    client.force_login(owner)
    mine = client.get(reverse("plans:list")).content.decode()
    assert "Data Privacy Fundamentals" in mine
    assert "Cloud Basics" not in mine and "Data Ethics" not in mine
    assert f'<a href="{reverse("plans:archived")}">Archived plans</a>' in mine
    archive_plan(plan=plan, user=owner)
    with django_assert_num_queries(8):  # with the plans' owners
        response = client.get(reverse("plans:archived"))
    archived = response.content.decode()
    assert archived.count('class="card mb-3"') == 3
    assert "Cloud Basics" in archived and "Data Privacy Fundamentals" in archived
    assert archived.count("(was draft)") == 3
    assert "Data Privacy Fundamentals" not in client.get(reverse("plans:list")).content.decode()


def test_the_archived_list_shows_only_my_plans(client, plan, owner, outsider, template_version):
    theirs = PlanFactory(title="Not mine", created_by=outsider, template_version=template_version)
    archive_plan(plan=theirs, user=outsider)
    client.force_login(owner)
    content = client.get(reverse("plans:archived")).content.decode()
    assert "Not mine" not in content
    assert "No archived plans." in content


def test_an_approved_then_archived_plan_is_not_in_the_review_queue(client, plan, owner, reviewer):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    archive_plan(plan=plan, user=owner)
    client.force_login(reviewer)
    assert "Data Privacy Fundamentals" not in (
        client.get(reverse("review:review_queue")).content.decode()
    )


def test_archiving_through_the_confirmation_page(client, plan, owner):
    client.force_login(owner)
    dashboard = client.get(plan.get_absolute_url()).content.decode()
    archive_url = reverse("plans:archive", kwargs={"plan_id": plan.pk})
    assert f'<a href="{archive_url}">Archive this plan</a>' in dashboard
    page = client.get(archive_url).content.decode()
    assert '<h1 class="h2">Archive “Data Privacy Fundamentals”?</h1>' in page
    assert "you can restore it from its page: it comes back draft, as it is now." in page
    response = client.post(archive_url, follow=True)
    content = response.content.decode()
    assert (
        "“Data Privacy Fundamentals” is archived: it is listed under Archived plans, and you "
        "can restore it from its page." in content
    )
    assert "Restore the plan</button>" in content
    assert "It comes back draft, in My plans." in content
    assert "Archive this plan</a>" not in content
    response = client.post(reverse("plans:restore", kwargs={"plan_id": plan.pk}), follow=True)
    assert "Restored: the plan is back in My plans, draft." in response.content.decode()


def test_others_see_no_archive_or_restore_buttons(client, plan, owner, editor):
    client.force_login(editor)
    assert "Archive this plan" not in client.get(plan.get_absolute_url()).content.decode()
    response = client.post(reverse("plans:archive", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 403
    archive_plan(plan=plan, user=owner)
    assert "Restore the plan" not in client.get(plan.get_absolute_url()).content.decode()


def test_the_archive_page_refuses_a_plan_in_review(client, plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(owner)
    response = client.get(reverse("plans:archive", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 403
    assert (
        '<p id="refusal-reason">A plan in review cannot be archived: wait for its reviewers&#x27; '
        "decision.</p>" in response.content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_an_archived_plan_stays_readable_and_exportable(
    client, plan, owner, viewer, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    archive_plan(plan=plan, user=owner)
    client.force_login(viewer)
    assert "Archived." in client.get(plan.get_absolute_url()).content.decode()
    client.post(reverse("reports:create", kwargs={"plan_id": plan.pk}))
    export = ReportExport.objects.get()
    assert export.status == ReportExport.Status.DONE
