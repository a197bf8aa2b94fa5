"""A new plan from an earlier one: its answers and tables, nothing of its reviews."""

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.plans.models import Plan, PlanMembership
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.reports.models import ReportExport
from microcred.review.services import submit_for_review
from microcred.transfer.copies import copy_plan, copy_title
from planning.models import Competitor
from tests.transfer.plan_files import EVERYTHING, content, exported

pytestmark = pytest.mark.django_db


def test_a_copy_has_the_answers_and_rows_and_nothing_of_the_review(demo_plan, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    submit_for_review(plan=demo_plan, user=demo_plan.created_by, confirm_incomplete=True)
    ReportExport.objects.create(plan=demo_plan, requested_by=editor)
    report = copy_plan(plan=demo_plan, user=editor, title="Data Privacy Essentials")
    copied = Plan.objects.select_related("template_version").get(pk=report.plan_id)
    assert report.not_placed == []
    assert report.left_out_message == ""
    assert content(exported(copied, EVERYTHING)) == content(exported(demo_plan, EVERYTHING))
    assert copied.title == "Data Privacy Essentials"
    assert copied.status == Plan.Status.DRAFT
    assert list(copied.memberships.values_list("user__username", "role")) == [
        ("editor", PlanMembership.Role.OWNER)
    ]
    assert copied.comments.count() == 0
    assert demo_plan.comments.count() == 2
    assert copied.review_rounds.count() == 0
    assert ReportExport.objects.filter(plan=copied).count() == 0
    # The earlier plan is as it was.
    assert Plan.objects.get(pk=demo_plan.pk).status == Plan.Status.IN_REVIEW


def test_a_copy_stays_on_the_earlier_plans_version(plan, owner, template_version):
    publish_version(version=create_draft(source=template_version))
    report = copy_plan(plan=plan, user=owner, title="Again")
    assert Plan.objects.get(pk=report.plan_id).template_version == template_version


def test_the_offered_title_fits(plan):
    assert copy_title(plan) == "Copy of Data Privacy Fundamentals"
    plan.title = "T" * 200
    assert copy_title(plan) == "Copy of " + "T" * 192


def test_the_copy_page_offers_a_title(client, plan, viewer):
    client.force_login(viewer)
    response = client.get(reverse("transfer:copy", kwargs={"plan_id": plan.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h2 mb-3">New plan from Data Privacy Fundamentals</h1>' in page
    assert 'value="Copy of Data Privacy Fundamentals"' in page
    assert "(not its comments, reviews, history or exports)" in page


def test_a_member_makes_the_copy_and_owns_it(client, demo_plan, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    client.force_login(editor)
    url = reverse("transfer:copy", kwargs={"plan_id": demo_plan.pk})
    response = client.post(url, {"title": "Privacy for editors"})
    copied = Plan.objects.get(title="Privacy for editors")
    assert response.status_code == 302
    assert response["Location"] == copied.get_absolute_url()
    assert (copied.created_by, copied.organization) == (editor, demo_plan.organization)
    page = client.get(response["Location"]).content.decode()
    assert "Plan “Privacy for editors” created from “Data Privacy Fundamentals”." in page


def test_a_copy_goes_only_to_an_organization_its_maker_plans_for(client, demo_plan):
    """The committee member may read the plan but plans for no organization: the copy is
    refused until they name a new one, which they then administer."""
    reviewer = demo_plan.memberships.get(role="reviewer").user
    client.force_login(reviewer)
    url = reverse("transfer:copy", kwargs={"plan_id": demo_plan.pk})
    response = client.post(url, {"title": "Privacy for reviewers"})
    assert response.status_code == 400
    assert "You do not plan for Northbridge Institute for Information Governance" in (
        response.content.decode()
    )
    assert not Plan.objects.filter(title="Privacy for reviewers").exists()
    data = {"title": "Privacy for reviewers", "organization": "Rosa's Consultancy"}
    assert client.post(url, data).status_code == 302
    copied = Plan.objects.get(title="Privacy for reviewers")
    assert copied.organization.name == "Rosa's Consultancy"
    assert copied.organization.memberships.get().user == reviewer


def test_a_copy_with_rows_it_could_not_place_shows_its_report(client, plan, owner):
    # A competitor saved in euros before the plan had its currency.
    question = plan.template_version.questions.get(key="competitors")
    Competitor.objects.create(
        plan=plan,
        question=question,
        name="Old rival",
        offering="Course",
        price="10.00",
        currency="EUR",
        updated_at=timezone.now(),
    )
    client.force_login(owner)
    response = client.post(reverse("transfer:copy", kwargs={"plan_id": plan.pk}), {"title": "Two"})
    copied = Plan.objects.get(title="Two")
    assert response["Location"] == reverse("transfer:import_report", kwargs={"plan_id": copied.pk})
    page = client.get(response["Location"]).content.decode()
    assert "<td>Competitors, row 1 (“Old rival”)</td>" in page
    assert (
        "<td>Price (USD): This plan&#x27;s amounts are in USD; change the plan&#x27;s currency "
        "or enter the amount in USD.</td>"
    ) in page


def test_a_title_the_form_refuses_shows_beside_the_field(client, plan, owner):
    client.force_login(owner)
    url = reverse("transfer:copy", kwargs={"plan_id": plan.pk})
    response = client.post(url, {"title": "Two\u0007lines"})
    page = response.content.decode()
    assert response.status_code == 400
    assert Plan.objects.count() == 1
    field = page[page.index('id="div_id_title"') :]
    assert (
        "The title contains the control character U+0007 (BEL) at position 4: remove it and "
        "try again."
    ) in field[: field.index("</div> </div>")]
    response = client.post(url, {"title": ""})
    assert "This field is required." in response.content.decode()


def test_the_copy_page_reads_a_fixed_number_of_queries(
    client, demo_plan, django_assert_max_num_queries
):
    client.force_login(demo_plan.created_by)
    with django_assert_max_num_queries(8):
        client.get(reverse("transfer:copy", kwargs={"plan_id": demo_plan.pk}))


def test_an_outsider_cannot_copy(client, plan, outsider):
    client.force_login(outsider)
    response = client.post(reverse("transfer:copy", kwargs={"plan_id": plan.pk}), {"title": "Mine"})
    assert response.status_code == 404
    assert Plan.objects.count() == 1


def test_a_plan_of_more_rows_than_a_copy_may_place_is_refused(client, demo_plan, settings):
    settings.PLAN_IMPORT_MAX_ROWS = 100
    client.force_login(demo_plan.created_by)
    plans = Plan.objects.count()
    url = reverse("transfer:copy", kwargs={"plan_id": demo_plan.pk})
    response = client.post(url, {"title": "Too big"})
    assert response.status_code == 400
    assert Plan.objects.count() == plans
    assert "This plan has 107 table rows: a copy may have at most 100." in (
        response.content.decode()
    )
