"""Nobody reviews a plan they wrote in: whoever wrote an answer, a table row (added,
changed, deleted or moved), marked a review done or uploaded results may not become its
reviewer nor decide on it, whatever has been written over their work since."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from maintenance.services import mark_review_done, upload_psychometric_results
from microcred import celery_app
from microcred.demo.services import demo_form_data
from microcred.organizations.models import OrganizationMembership
from microcred.plans.answers import save_answer
from microcred.plans.members import accept_invitation, invite_member
from microcred.plans.models import Answer, Plan, PlanMembership
from microcred.plans.permissions import plan_access
from microcred.plans.record_rows import (
    delete_record,
    move_record,
    record_type_of,
    save_record,
)
from microcred.plans.reviewers import reviewer_facts
from microcred.questionnaires.models import Question
from microcred.records.registry import REGISTRY
from microcred.review.services import decide_review, submit_for_review
from tests.factories import UserFactory, add_member, add_to_organization, record_set_question_in

pytestmark = pytest.mark.django_db

AUTHOR_CANNOT_DECIDE = "You have written in this plan, so you cannot review it."
TIERS = "price_tiers"


def tier_data(name: str, price: str = "245.00") -> dict[str, str]:
    return {
        "name": name,
        "audience": "member",
        "price": price,
        "currency": "USD",
        "valid_from": "2027-09-01",
    }


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def colleague(db):
    """A member of the review committee whom the owner also asks to help write."""
    user = UserFactory(
        username="carla", first_name="Carla", last_name="Colleague", email="carla@example.org"
    )
    add_to_organization(user, OrganizationMembership.Role.COMMITTEE_MEMBER)
    return user


@pytest.fixture
def tiers(plan):
    return record_set_question_in(plan.template_version, "planning.price_tiers")


def invite_through_the_page(client, plan, owner, *, email, role, capture) -> str:
    """The owner invites from the Members page; returns the link in the e-mail."""
    client.force_login(owner)
    with capture(execute=True):
        response = client.post(
            reverse("plans:members", kwargs={"plan_id": plan.pk}), {"email": email, "role": role}
        )
    assert response.status_code == 302
    return re.search(r"http://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)


def row_url(plan, name, *args) -> str:
    return reverse(f"plans:{name}", args=[plan.pk, "strategic-planning", TIERS, *args])


def post_row_change(client, plan, row, data: dict[str, str]):
    prefix = f"{TIERS}-{row.pk}"
    posted = {f"{prefix}-{key}": value for key, value in data.items()}
    posted[f"{prefix}-revision"] = str(row.revision)
    response = client.post(row_url(plan, "record_change", row.pk), posted)
    assert response.status_code == 302


def test_a_co_author_who_only_changed_a_row_cannot_become_reviewer_nor_approve(
    client, plan, owner, colleague, tiers, django_capture_on_commit_callbacks
):
    """The attack, through the pages: the committee member joins as editor and changes a
    row; the owner changes another row of the same table, so that the table's answer
    names the owner; then the owner makes the co-author a reviewer and submits."""
    capture = django_capture_on_commit_callbacks
    link = invite_through_the_page(
        client, plan, owner, email=colleague.email, role="editor", capture=capture
    )
    client.force_login(colleague)
    assert client.post(link).status_code == 302
    # The owner adds two rows; the co-author changes the first, the owner the second.
    client.force_login(owner)
    for name in ("Member", "Student"):
        posted = {f"{TIERS}-new-{key}": value for key, value in tier_data(name).items()}
        assert client.post(row_url(plan, "record_add"), posted).status_code == 302
    first, second = record_type_of(tiers).model.objects.filter(plan=plan).order_by("position")
    client.force_login(colleague)
    post_row_change(client, plan, first, tier_data("Member", price="199.00"))
    client.force_login(owner)
    post_row_change(client, plan, second, tier_data("Student", price="99.00"))
    assert plan.answers.get(question=tiers).updated_by == owner

    link = invite_through_the_page(
        client, plan, owner, email=colleague.email, role="reviewer", capture=capture
    )
    client.force_login(colleague)
    response = client.post(link)
    assert response.status_code == 409
    assert AUTHOR_CANNOT_DECIDE in response.content.decode()
    assert plan.memberships.get(user=colleague).role == PlanMembership.Role.EDITOR

    # Made reviewer anyway (a role given before the rule, or in the database): the
    # decision is refused when it is made.
    plan.memberships.filter(user=colleague).update(role=PlanMembership.Role.REVIEWER)
    client.force_login(owner)
    response = client.post(
        reverse("review:submit", kwargs={"plan_id": plan.pk}), {"confirm_incomplete": "on"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_REVIEW
    client.force_login(colleague)
    response = client.post(
        reverse("review:decide", kwargs={"plan_id": plan.pk}), {"decision": "approved"}
    )
    assert response.status_code == 403
    assert AUTHOR_CANNOT_DECIDE in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_REVIEW


# --- each kind of write, on its own ---------------------------------------------------


def demo_data(plan, record_type_name: str, index: int = 0) -> dict[str, str]:
    record_type = REGISTRY[record_type_name]
    source = Path(apps.get_app_config(record_type.app_label).path) / "demo_records.yaml"
    rows = yaml.safe_load(source.read_text())[record_type_name.split(".")[1]]
    return demo_form_data(record_type, plan, rows[index])


def add_row(plan, record_type_name: str, user, index: int = 0):
    question = record_set_question_in(plan.template_version, record_type_name)
    data = demo_data(plan, record_type_name, index)
    return question, save_record(plan=plan, question=question, data=data, user=user).record


def write_answer(plan, owner, user):
    question = plan.template_version.questions.get(key="business_case")
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=user)


def add_a_row(plan, owner, user):
    add_row(plan, "planning.price_tiers", user)


def change_a_row(plan, owner, user):
    question, row = add_row(plan, "planning.price_tiers", owner)
    data = tier_data("Member", price="199.00")
    save_record(
        plan=plan, question=question, data=data, user=user, record_id=row.pk, base_revision=1
    )


def delete_a_row(plan, owner, user):
    question, row = add_row(plan, "planning.price_tiers", owner)
    delete_record(plan=plan, question=question, record_id=row.pk, user=user)


def move_a_row(plan, owner, user):
    add_row(plan, "design.stack_components", owner, 0)
    question, second = add_row(plan, "design.stack_components", owner, 1)
    move_record(plan=plan, question=question, record_id=second.pk, step=-1, user=user)


def mark_a_review_done(plan, owner, user):
    _, cycle = add_row(plan, "maintenance.review_cycles", owner)
    mark_review_done(plan=plan, cycle_id=cycle.pk, base_revision=cycle.revision, user=user)


def upload_results(plan, owner, user):
    upload = SimpleUploadedFile("results.csv", b"id,q1,q2\na,1,0\nb,0,1\n")
    upload_psychometric_results(plan=plan, user=user, upload=upload, max_mark=Decimal(1))


WRITES = {
    "an answer": write_answer,
    "a row added": add_a_row,
    "a row changed": change_a_row,
    "a row deleted": delete_a_row,
    "a row moved": move_a_row,
    "a review marked done": mark_a_review_done,
    "results uploaded": upload_results,
}


def take_over_the_tables_answers(plan, owner, user) -> None:
    """The answers that count each table's rows name the owner, history and all, as if
    the owner had changed every table since: only the kind of write under test tells
    who wrote."""
    tables = plan.template_version.questions.filter(kind=Question.Kind.RECORD_SET)
    Answer.history.filter(plan_id=plan.pk, question__in=tables).filter(
        Q(history_user=user) | Q(updated_by=user)
    ).delete()
    plan.answers.filter(question__in=tables, updated_by=user).update(updated_by=owner)


@pytest.mark.parametrize("write", list(WRITES.values()), ids=list(WRITES))
def test_whoever_wrote_cannot_accept_a_reviewer_invitation(plan, owner, colleague, write):
    add_member(plan, colleague, PlanMembership.Role.EDITOR)
    assert not reviewer_facts(user=colleague, plan=plan).has_written_in_plan
    write(plan, owner, colleague)
    take_over_the_tables_answers(plan, owner, colleague)
    assert reviewer_facts(user=colleague, plan=plan).has_written_in_plan
    invitation = invite_member(plan=plan, email=colleague.email, role="reviewer", invited_by=owner)
    with pytest.raises(ValidationError) as error:
        accept_invitation(invitation=invitation, user=colleague)
    assert error.value.messages == [AUTHOR_CANNOT_DECIDE]
    assert plan.memberships.get(user=colleague).role == PlanMembership.Role.EDITOR


@pytest.mark.parametrize("write", list(WRITES.values()), ids=list(WRITES))
def test_a_reviewer_who_wrote_cannot_decide(plan, owner, reviewer, colleague, write):
    # Written through a role held earlier, or by a service called without a role.
    write(plan, owner, reviewer)
    take_over_the_tables_answers(plan, owner, reviewer)
    add_member(plan, colleague, PlanMembership.Role.REVIEWER)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert not plan_access(user=reviewer, plan=plan).can_decide
    with pytest.raises(PermissionDenied) as error:
        decide_review(plan=plan, user=reviewer, decision="approved")
    assert str(error.value) == AUTHOR_CANNOT_DECIDE
    plan.refresh_from_db()
    assert plan.status == Plan.Status.IN_REVIEW
    # The colleague, who wrote nothing, decides.
    assert decide_review(plan=plan, user=colleague, decision="approved").decided_by == colleague


def test_reviewers_who_all_wrote_keep_the_plan_from_being_submitted(plan, owner, reviewer):
    add_a_row(plan, owner, reviewer)
    with pytest.raises(ValidationError) as error:
        submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert error.value.messages == [
        "None of this plan's reviewers can decide on it: a reviewer must be on the committee "
        "of the plan's organization and must not have written in it. Change the reviewers "
        "on the Members page first."
    ]


def test_an_upload_is_in_the_plans_activity(plan, editor):
    upload_results(plan, None, editor)
    activity = plan.activities.get()
    assert (activity.actor, activity.verb, activity.summary) == (
        editor,
        "results_uploaded",
        "Eddie Editor uploaded the assessment results “results.csv”",
    )
