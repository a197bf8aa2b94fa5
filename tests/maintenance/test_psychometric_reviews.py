"""Psychometric reviews: upload, the analysis in a task, the Maintenance page's panel, the
PDF, downloads and who may do what."""

import datetime
import random
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maintenance import psychometric_runs
from maintenance.models import PsychometricReview
from maintenance.psychometric_runs import ReviewNotClaimed, claim_review, compute_review
from maintenance.psychometrics import item_analysis
from maintenance.selectors import NEGATIVE_ALPHA
from maintenance.services import upload_psychometric_results
from maintenance.tasks import requeue_stalled_psychometric_reviews as requeue_stalled_reviews
from microcred import celery_app
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from microcred.review.services import submit_for_review
from tests.maintenance.psychometric_files import (
    BAD_RESULTS,
    NEGATIVE_ALPHA_RESULTS,
    maintenance_url,
    media_root,  # noqa: F401  (fixture)
    upload,
    upload_url,
)
from tests.reports.broker import broker_fixture  # noqa: F401  (the `broker` fixture)
from tests.reports.conftest import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

Status = PsychometricReview.Status


@pytest.fixture
def in_process(monkeypatch):
    # What `make run` does with no broker configured, whatever this test run's broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def queued_review(plan, user, content=None, name="spring-2027.csv"):
    """A review recorded without handing it to anyone (as when the broker refused it)."""
    review = PsychometricReview(plan=plan, uploaded_by=user, filename=name)
    review.file.save(name, upload(content) if content else upload(), save=False)
    review.save()
    return review


def done_review(plan, user, content=None, name="spring-2027.csv"):
    return compute_review(review_id=queued_review(plan, user, content, name).pk)


def download_url(review):
    return reverse(
        "maintenance:psychometrics_download",
        kwargs={"plan_id": review.plan_id, "review_id": review.pk},
    )


def status_url(plan):
    return reverse("maintenance:psychometrics_status", kwargs={"plan_id": plan.pk})


def panel_html(content: str) -> str:
    start = content.index('id="panel-maintenance-psychometrics"')
    return content[start : content.index("</section>", start)]


# --- upload through the page ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_analysed_in_process_and_shown_on_the_page(client, plan, editor, in_process):
    client.force_login(editor)
    response = client.post(upload_url(plan), {"results": upload(), "max_mark": "1"}, follow=True)
    assert response.redirect_chain == [
        (maintenance_url(plan) + "#panel-maintenance-psychometrics", 302)
    ]
    review = PsychometricReview.objects.get()
    assert (review.status, review.uploaded_by, review.filename) == (
        Status.DONE,
        editor,
        "spring-2027.csv",
    )
    assert review.attempts == 1
    content = response.content.decode()
    assert "The results are uploaded and analysed: see the item analysis below." in content
    panel = panel_html(content)
    assert "Latest analysis: spring-2027.csv" in panel
    for label, value in [
        ("Candidates", "10"),
        ("Items", "6"),
        ("Mean total", "3.40"),
        ("Median total", "3.50"),
        ("SD of totals", "1.90"),
        ("Skewness", "-0.36"),
        ("Kurtosis", "-0.79"),
        ("Cronbach&#x27;s alpha", "0.67"),
        ("Standard error of measurement", "1.08"),
    ]:
        assert (
            f'<dt class="col-sm-6 col-lg-4">{label}</dt><dd class="col-sm-6 col-lg-2">{value}</dd>'
            in panel
        )
    assert (
        '<tr class="table-warning"><th scope="row">D</th><td class="text-end">0.70</td>'
        '<td class="text-end">0.48</td><td class="text-end">14.3</td>'
        '<td class="text-end">18.0</td><td class="text-end">0.39</td>'
        "<td>Low discrimination</td></tr>"
    ) in panel
    assert "<td>Negative discrimination</td>" in panel
    assert "Hard: facility below 0.2; Easy: facility above 0.9; Low discrimination:" in panel
    assert "<details" not in panel  # 6 items: the table is open
    # The histogram, inline, with its text alternative and no style attribute (CSP).
    svg = re.search(r"<svg .*?</svg>", panel, re.S).group(0)
    assert 'role="img"' in svg
    assert '<title id="totals-histogram-title">Distribution of candidates\' total scores' in svg
    assert (
        '<desc id="totals-histogram-desc">Histogram of 10 candidates\' total scores, from 0 to '
        "6; the most common total is 2 (3 candidates).</desc>"
    ) in svg
    assert "style" not in svg
    assert 'hx-trigger="every 2s"' not in panel
    assert f'<a href="{download_url(review)}">spring-2027.csv</a>' in panel


def test_the_upload_inputs_name_a_form_outside_the_answers_form(client, plan, owner):
    client.force_login(owner)
    content = client.get(maintenance_url(plan)).content.decode()
    answers_form_end = content.index("</form>", content.index('class="phase-form"'))
    upload_form = content.index('<form id="psychometric-upload-form"')
    assert answers_form_end < upload_form
    assert 'enctype="multipart/form-data"' in content[upload_form : upload_form + 300]
    panel = panel_html(content)
    assert 'type="file" name="results"' in panel
    assert 'form="psychometric-upload-form"' in panel
    assert (
        '<button type="submit" class="btn btn-primary" form="psychometric-upload-form">'
        "Upload and analyse</button>"
    ) in panel
    assert "No results uploaded yet." in panel
    # After the psychometrics question, before the next one.
    question = content.index('id="q-psychometrics_approach"')
    assert question < content.index('id="panel-maintenance-psychometrics"')
    assert content.index('id="panel-maintenance-psychometrics"') < content.index(
        'id="q-maintenance_reflection"'
    )


def test_viewers_see_the_analysis_but_no_upload_form(client, plan, owner, viewer):
    done_review(plan, owner)
    client.force_login(viewer)
    panel = panel_html(client.get(maintenance_url(plan)).content.decode())
    assert "Latest analysis: spring-2027.csv" in panel
    assert 'name="results"' not in panel
    assert "psychometric-upload-form" not in client.get(maintenance_url(plan)).content.decode()


@pytest.mark.parametrize("persona", ["viewer", "reviewer"])
def test_only_writers_upload(client, plan, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(upload_url(plan), {"results": upload(), "max_mark": "1"})
    assert response.status_code == 403
    assert not PsychometricReview.objects.exists()


def test_no_upload_while_the_plan_is_in_review(client, plan, owner):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    client.force_login(owner)
    response = client.post(upload_url(plan), {"results": upload(), "max_mark": "1"})
    assert response.status_code == 403
    assert not PsychometricReview.objects.exists()


def test_the_size_limit_is_said_in_megabytes(client, plan, owner, settings):
    settings.PSYCHOMETRICS_MAX_UPLOAD_BYTES = 2 * 2**20
    client.force_login(owner)
    response = client.post(
        upload_url(plan), {"results": upload(b"0" * (2 * 2**20 + 1)), "max_mark": "1"}
    )
    assert response.status_code == 400
    assert (
        "The file is larger than 2 MB: upload at most 2 MB (for more candidates, analyse "
        "them with `manage.py item_analysis` on the server)."
    ) in response.content.decode()
    assert not PsychometricReview.objects.exists()


def test_a_bad_maximum_mark_is_refused_beside_the_field(client, plan, owner):
    client.force_login(owner)
    response = client.post(upload_url(plan), {"results": upload(), "max_mark": "0"})
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0.01." in response.content.decode()
    response = client.post(upload_url(plan), {"max_mark": "1"})
    assert "This field is required." in response.content.decode()
    response = client.post(upload_url(plan), {"results": upload(), "max_mark": "1,5"})
    assert response.status_code == 400
    assert "Type 1.5 for one point five; “1,5” would read as 15." in (response.content.decode())
    assert not PsychometricReview.objects.exists()


def test_the_upload_page_works_without_javascript(client, plan, owner):
    client.force_login(owner)
    content = client.get(upload_url(plan)).content.decode()
    assert '<h1 class="h2">Upload assessment results</h1>' in content
    assert '<form id="psychometric-upload-form" method="post" enctype="multipart/form-data"' in (
        content
    )


# --- failures -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_bad_file_fails_with_its_reason_on_the_page(client, plan, owner, in_process):
    client.force_login(owner)
    response = client.post(
        upload_url(plan), {"results": upload(BAD_RESULTS, "bad.csv"), "max_mark": "1"}, follow=True
    )
    review = PsychometricReview.objects.get()
    reason = 'Row 3, column 3 ("q2"): "maybe" is not a number.'
    assert (review.status, review.error) == (Status.FAILED, reason)
    content = response.content.decode()
    assert "The results are uploaded but cannot be analysed: see the reason below." in content
    panel = panel_html(content)
    assert (
        '<div class="alert alert-danger py-2" role="alert"><p class="fw-semibold mb-1">bad.csv '
        'could not be analysed.</p><p class="mb-0">Row 3, column 3 (&quot;q2&quot;): '
        "&quot;maybe&quot; is not a number.</p></div>"
    ) in panel
    assert '<span class="badge text-bg-danger">Failed</span>' in panel


def test_a_negative_alpha_is_shown_as_it_is_with_its_explanation(client, plan, owner):
    done_review(plan, owner, NEGATIVE_ALPHA_RESULTS)
    client.force_login(owner)
    panel = panel_html(client.get(maintenance_url(plan)).content.decode())
    assert (
        '<dt class="col-sm-6 col-lg-4">Cronbach&#x27;s alpha</dt>'
        '<dd class="col-sm-6 col-lg-2">-0.38</dd>'
    ) in panel
    assert (
        '<dt class="col-sm-6 col-lg-4">Standard error of measurement</dt>'
        '<dd class="col-sm-6 col-lg-2">0.96</dd>'
    ) in panel
    assert NEGATIVE_ALPHA.replace("'", "&#x27;") in panel


def test_an_unexpected_error_is_recorded_with_its_cause(plan, owner, monkeypatch):
    review = queued_review(plan, owner)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("maintenance.psychometrics.item_analysis", broken)
    celery_app.tasks["maintenance.tasks.compute_psychometric_review"].apply(args=[review.pk])
    review.refresh_from_db()
    assert (review.status, review.error) == (
        Status.FAILED,
        "The item analysis could not be computed because of an unexpected problem "
        "(RuntimeError: disk on fire). Please tell your administrator.",
    )


# --- the queue: dispatch, claims, requeue ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_review_the_broker_refused_is_sent_by_the_periodic_task(plan, owner, broker):
    broker.refuse()
    review = upload_psychometric_results(plan=plan, user=owner, upload=upload(), max_mark=1)
    assert (review.status, review.awaiting_dispatch) == (Status.QUEUED, True)
    broker.in_process()
    assert requeue_stalled_reviews() == 1
    review.refresh_from_db()
    assert review.status == Status.DONE
    assert review.results["test"]["attempts"] == 10


def test_the_panel_polls_while_a_review_is_pending(client, plan, owner, broker):
    broker.refuse()
    queued_review(plan, owner)
    client.force_login(owner)
    content = client.get(status_url(plan)).content.decode()
    assert f'hx-get="{status_url(plan)}" hx-trigger="every 2s"' in content
    assert "spring-2027.csv: waiting for a worker…" in content


def test_a_claimed_review_cannot_be_claimed_again(plan, owner):
    review = queued_review(plan, owner)
    claim_review(review.pk, claimant="task-1")
    with pytest.raises(ReviewNotClaimed):
        claim_review(review.pk, claimant="task-2")
    with pytest.raises(ReviewNotClaimed):
        claim_review(review.pk)
    # The same task, delivered again, takes its own claim over.
    assert claim_review(review.pk, claimant="task-1").attempts == 2


def test_a_finished_review_is_left_alone(plan, owner):
    review = done_review(plan, owner)
    assert compute_review(review_id=review.pk) is None
    review.refresh_from_db()
    assert (review.status, review.attempts) == (Status.DONE, 1)


def test_a_review_claimed_meanwhile_keeps_only_the_last_claimants_figures(plan, owner, monkeypatch):
    review = queued_review(plan, owner)

    def overtaken(*args, **kwargs):
        # Another worker took the review over (its lease expired) while this one computed.
        PsychometricReview.objects.filter(pk=review.pk).update(attempts=5)
        return item_analysis(*args, **kwargs)

    monkeypatch.setattr("maintenance.psychometrics.item_analysis", overtaken)
    compute_review(review_id=review.pk)
    review.refresh_from_db()
    assert (review.status, review.results) == (Status.RUNNING, None)


def test_an_abandoned_review_is_requeued_then_failed_after_the_attempts(
    plan, owner, settings, broker
):
    broker.refuse()
    settings.PSYCHOMETRICS_MAX_ATTEMPTS = 2
    review = queued_review(plan, owner)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.PSYCHOMETRICS_RUNNING_LEASE + 1)
    claim_review(review.pk, claimant="dead-worker")
    PsychometricReview.objects.filter(pk=review.pk).update(started_at=long_ago)
    assert requeue_stalled_reviews() == 0  # requeued, and the broker refused it
    review.refresh_from_db()
    assert (review.status, review.claimed_by, review.dispatched_at) == (Status.QUEUED, "", None)

    claim_review(review.pk, claimant="another-dead-worker")
    PsychometricReview.objects.filter(pk=review.pk).update(started_at=long_ago)
    requeue_stalled_reviews()
    review.refresh_from_db()
    assert (review.status, review.error) == (Status.FAILED, psychometric_runs.abandoned_reason(2))


def test_a_running_review_within_its_lease_is_not_requeued(plan, owner, broker):
    broker.refuse()
    review = queued_review(plan, owner)
    claim_review(review.pk, claimant="busy-worker")
    requeue_stalled_reviews()
    review.refresh_from_db()
    assert (review.status, review.claimed_by) == (Status.RUNNING, "busy-worker")


# --- downloads and permissions ----------------------------------------------------------


def test_members_download_the_uploaded_file(client, plan, owner, reviewer):
    review = done_review(plan, owner)
    client.force_login(reviewer)
    response = client.get(download_url(review))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="spring-2027.csv"'
    assert b"".join(response.streaming_content).startswith(b"candidate,A,B,C,D,E,F\n")


def test_outsider_gets_404_for_the_file_the_status_and_the_upload(client, plan, owner, outsider):
    review = done_review(plan, owner)
    client.force_login(outsider)
    assert client.get(download_url(review)).status_code == 404
    assert client.get(status_url(plan)).status_code == 404
    assert client.post(upload_url(plan), {"results": upload(), "max_mark": "1"}).status_code == 404
    assert PsychometricReview.objects.count() == 1


def test_a_review_of_another_plan_is_404_even_for_a_member(client, plan, owner):
    from tests.factories import PlanFactory

    review = done_review(plan, owner)
    mine = PlanFactory(created_by=owner, template_version=plan.template_version)
    client.force_login(owner)
    url = reverse(
        "maintenance:psychometrics_download", kwargs={"plan_id": mine.pk, "review_id": review.pk}
    )
    assert client.get(url).status_code == 404


def test_the_file_is_not_under_a_public_url(plan, owner, settings):
    review = done_review(plan, owner)
    assert review.file.name.startswith("psychometrics/")
    assert (settings.MEDIA_ROOT / review.file.name).read_bytes().startswith(b"candidate,")


# --- the page with many items and many reviews --------------------------------------------


def wide_results(items: int, candidates: int = 30) -> bytes:
    """Right-or-wrong scores, seeded: each candidate's chance grows with their number."""
    draw = random.Random(12)  # noqa: S311  (test data, not a secret)
    header = "id," + ",".join(f"q{j}" for j in range(1, items + 1))
    rows = [
        f"c{i},"
        + ",".join(str(int(draw.random() < (i + 1) / (candidates + 1))) for _ in range(items))
        for i in range(candidates)
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


def test_many_items_fold_behind_details(client, plan, owner):
    done_review(plan, owner, wide_results(80), name="wide.csv")
    client.force_login(owner)
    panel = panel_html(client.get(maintenance_url(plan)).content.decode())
    summary = re.search(r"<summary>Item table \(80 items, (\d+) flagged\)</summary>", panel)
    assert summary
    assert panel.count('<th scope="row">') == 80
    assert panel.index("<details") < panel.index('<th scope="row">q1</th>')
    assert "The table shows" not in panel  # every item: nothing to say is left out


def test_maintenance_page_queries_stay_bounded_with_reviews(
    client, plan, owner, django_assert_max_num_queries, broker
):
    broker.refuse()
    client.force_login(owner)
    with django_assert_max_num_queries(60) as empty:
        client.get(maintenance_url(plan))
    for name in ("a.csv", "b.csv", "c.csv"):
        done_review(plan, owner, name=name)
    queued_review(plan, owner, BAD_RESULTS, name="d.csv")
    compute_review(review_id=queued_review(plan, owner, BAD_RESULTS, name="e.csv").pk)
    with django_assert_max_num_queries(len(empty.captured_queries) + 2):
        response = client.get(maintenance_url(plan))
    panel = panel_html(response.content.decode())
    assert panel.count("<li class=") == 5
    # Session, user, plan, membership, the reviews, the latest analysis, a savepoint.
    with django_assert_max_num_queries(7):
        client.get(status_url(plan))


# --- the PDF ----------------------------------------------------------------------------------


def test_the_pdf_shows_the_figures_flags_and_histogram(plan, owner):
    done_review(plan, owner)
    html = render_plan_html(plan=plan)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    text = pdf_text(html_to_pdf(html).content)
    assert "Item analysis: spring-2027.csv" in text
    for phrase in [
        "Candidates 10",
        "Mean total 3.40",
        "Cronbach's alpha 0.67",
        "Standard error of measurement 1.08",
        "D 0.70 0.48 14.3 18.0 0.39 Low discrimination",
        "E 0.60 0.52 -9.2 -9.8 0.18 Negative discrimination",
        "Flags: Hard: facility below 0.2; Easy: facility above 0.9; Low discrimination: "
        "discrimination index below 15; Negative discrimination: discrimination index below 0",
        "Distribution of candidates' total scores",
    ]:
        assert phrase in text, phrase


def test_the_pdf_leaves_the_panel_out_without_an_analysis(plan, owner, broker):
    broker.refuse()
    queued_review(plan, owner)
    assert "panel-maintenance-psychometrics" not in render_plan_html(plan=plan)


def test_user_text_is_escaped_on_the_page_and_in_the_pdf(client, plan, owner):
    name = "<script>alert(1)</script>.csv"
    content = b'id,"<b>q1</b>",q2\na,1,0\nb,0,1\nc,1,1\n'
    done_review(plan, owner, content, name=name)
    client.force_login(owner)
    page = client.get(maintenance_url(plan)).content.decode()
    report = render_plan_html(plan=plan)
    for html in (page, report):
        assert "<script>alert(1)" not in html
        assert "<b>q1</b>" not in html
        assert "&lt;b&gt;q1&lt;/b&gt;" in html
