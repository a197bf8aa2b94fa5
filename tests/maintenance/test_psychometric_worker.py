"""Psychometric reviews computed by a real Celery worker consuming from the configured
broker (Redis in CI), reading and writing the test database."""

import time

import pytest
from django.conf import settings

from maintenance.models import PsychometricReview
from tests.maintenance.psychometric_files import (
    maintenance_url,
    media_root,  # noqa: F401  (fixture)
    upload,
    upload_url,
)
from tests.reports.test_worker import worker  # noqa: F401  (fixture: an in-thread worker)

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
