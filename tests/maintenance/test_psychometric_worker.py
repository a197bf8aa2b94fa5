"""Psychometric reviews computed by a real Celery worker consuming from the configured
broker (Redis in CI), reading and writing the test database."""

import time

import pytest
from django.conf import settings
from django.db import connection

from maintenance.models import PsychometricReview
from maintenance.services import upload_psychometric_results
from tests.maintenance.psychometric_files import (
    maintenance_url,
    media_root,  # noqa: F401  (fixture)
    upload,
    upload_url,
)
from tests.reports.test_worker import (  # noqa: F401  (worker: a fixture, an in-thread worker)
    require,
    worker,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_root"),
]


def wait_until_finished(review, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        review.refresh_from_db()
        if not review.is_pending:
            return review
        time.sleep(0.2)
    pytest.fail(f"Review still {review.status} after {timeout} s")


@pytest.mark.usefixtures("worker")
def test_a_worker_analyses_an_upload_made_through_the_page(client, plan, owner):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    client.force_login(owner)
    response = client.post(upload_url(plan), {"results": upload(), "max_mark": "1"})
    assert response.status_code == 302
    review = wait_until_finished(PsychometricReview.objects.get())
    assert review.status == PsychometricReview.Status.DONE, review.error
    assert review.claimed_by  # a worker's task id
    assert review.results["test"]["attempts"] == 10
    assert review.results["test"]["alpha"] == pytest.approx(0.674074074074074, abs=1e-9)
    content = client.get(maintenance_url(plan)).content.decode()
    assert "Latest analysis: spring-2027.csv" in content


@pytest.mark.usefixtures("worker")
def test_a_database_error_that_would_recur_is_recorded_without_a_retry(plan, owner, monkeypatch):
    require(connection.vendor == "postgresql", "The error is PostgreSQL's: run on PostgreSQL.")
    calls = []

    def beyond_a_database_limit(*args, **kwargs):
        calls.append(args)
        # Refused every time with SQLSTATE 54000 (program limit exceeded), as a jsonb value
        # over 256 MB is: the same input meets the same limit however often it is tried.
        with connection.cursor() as cursor:
            cursor.execute("SELECT repeat('x', 1073741824)")

    monkeypatch.setattr("maintenance.psychometrics.item_analysis", beyond_a_database_limit)
    review = upload_psychometric_results(plan=plan, user=owner, upload=upload(), max_mark=1)
    review = wait_until_finished(review)
    assert (review.status, review.attempts, len(calls)) == (PsychometricReview.Status.FAILED, 1, 1)
    assert review.error == (
        "The item analysis could not be computed because of an unexpected problem "
        "(OperationalError: requested length too large). Please tell your administrator."
    )
