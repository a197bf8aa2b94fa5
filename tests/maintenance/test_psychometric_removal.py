"""The owner removes an item analysis (a wrong file, a file with personal data), after
confirming, whatever the plan's status; the uploads list keeps who removed it when."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maintenance.models import PsychometricReview
from maintenance.psychometric_runs import compute_review
from maintenance.psychometrics import item_analysis
from maintenance.services import remove_psychometric_review
from microcred.reports.rendering import render_plan_html
from microcred.review.services import submit_for_review
from tests.maintenance.psychometric_files import (
    maintenance_url,
    media_root,  # noqa: F401  (fixture)
)
from tests.maintenance.test_psychometric_reviews import done_review, panel_html, queued_review

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

Status = PsychometricReview.Status
ONLY_OWNER = "Only the plan&#x27;s owner can remove an item analysis."


def remove_url(review) -> str:
    return reverse(
        "maintenance:psychometrics_remove",
        kwargs={"plan_id": review.plan_id, "review_id": review.pk},
    )


def test_the_owner_confirms_then_removes_an_analysis_of_a_plan_in_review(
    client, plan, owner, editor, settings, django_capture_on_commit_callbacks
):
    review = done_review(plan, editor)
    stored = settings.MEDIA_ROOT / review.file.name
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(owner)
    page = client.get(maintenance_url(plan)).content.decode()
    assert (
        f'<a class="small" href="{remove_url(review)}">Remove<span class="visually-hidden"> '
        "the analysis of spring-2027.csv</span></a>"
    ) in panel_html(page)

    confirm = client.get(remove_url(review)).content.decode()
    assert '<h1 class="h2">Remove the item analysis of spring-2027.csv?</h1>' in confirm
    assert (
        "Its figures and the uploaded file are deleted for every member: the Maintenance "
        "page and the exports made from now on no longer show them. The list of uploads "
        "keeps a line saying that you removed it. This cannot be undone."
    ) in confirm
    assert PsychometricReview.objects.get().status == Status.DONE  # nothing removed yet

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(review), follow=True)
    content = response.content.decode()
    assert "The item analysis of spring-2027.csv is removed." in content
    review.refresh_from_db()
    assert (review.status, review.results, review.histogram_svg, review.removed_by) == (
        Status.REMOVED,
        None,
        "",
        owner,
    )
    assert review.removed_at is not None
    assert not stored.exists()
    panel = panel_html(content)
    assert "Latest analysis" not in panel
    assert '<span class="badge text-bg-light">Removed</span>' in panel
    assert "<span>spring-2027.csv</span>" in panel
    assert review.get_download_url() not in panel
    removed_at = timezone.localtime(review.removed_at)
    assert f"; removed {removed_at:%-d %b %Y, %H:%M} by {owner.get_full_name()}</span>" in panel
    assert "panel-maintenance-psychometrics" not in render_plan_html(plan=plan)


@pytest.mark.parametrize("persona", ["editor", "viewer", "reviewer"])
def test_only_the_owner_removes(client, plan, owner, request, persona):
    review = done_review(plan, owner)
    client.force_login(request.getfixturevalue(persona))
    for response in (client.get(remove_url(review)), client.post(remove_url(review))):
        assert response.status_code == 403
        assert ONLY_OWNER in response.content.decode()
    page = client.get(maintenance_url(plan)).content.decode()
    assert remove_url(review) not in page
    assert PsychometricReview.objects.get().status == Status.DONE


def test_outsiders_and_other_plans_get_404(client, plan, owner, outsider):
    from tests.factories import PlanFactory

    review = done_review(plan, owner)
    client.force_login(outsider)
    assert client.post(remove_url(review)).status_code == 404
    mine = PlanFactory(created_by=owner, template_version=plan.template_version)
    client.force_login(owner)
    url = reverse(
        "maintenance:psychometrics_remove", kwargs={"plan_id": mine.pk, "review_id": review.pk}
    )
    assert client.post(url).status_code == 404
    assert PsychometricReview.objects.get().status == Status.DONE


def test_removing_twice_says_so(client, plan, owner):
    review = done_review(plan, owner)
    client.force_login(owner)
    client.post(remove_url(review))
    response = client.post(remove_url(review), follow=True)
    assert "The item analysis of spring-2027.csv was already removed." in (
        response.content.decode()
    )


def test_a_worker_finishing_after_the_removal_stores_nothing(plan, owner, monkeypatch):
    review = queued_review(plan, owner)

    def removed_meanwhile(*args, **kwargs):
        assert remove_psychometric_review(plan=plan, review_id=review.pk, user=owner)
        return item_analysis(*args, **kwargs)

    monkeypatch.setattr("maintenance.psychometrics.item_analysis", removed_meanwhile)
    compute_review(review_id=review.pk)
    review.refresh_from_db()
    assert (review.status, review.results, review.histogram_svg) == (Status.REMOVED, None, "")
