"""Results files for the psychometric review tests, and the fixtures they share."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.maintenance.test_psychometrics import NAMES, SCORES, csv_text

GOOD_RESULTS = csv_text(SCORES, ["candidate", *NAMES]).encode()
# Three items that work against each other: alpha -0.375.
NEGATIVE_ALPHA_RESULTS = b"id,q1,q2,q3\na,1,0,1\nb,0,0,1\nc,1,1,1\nd,1,1,0\n"
BAD_RESULTS = b"id,q1,q2\na,1,0\nb,1,maybe\n"


def upload(content: bytes = GOOD_RESULTS, name: str = "spring-2027.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def maintenance_url(plan) -> str:
    return reverse("plans:phase", args=[plan.pk, "maintenance"])


def upload_url(plan) -> str:
    return reverse("maintenance:psychometrics_upload", kwargs={"plan_id": plan.pk})


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
