"""The demo plan's psychometric review: the results of a 15-item pilot exam of 120
candidates (made up, with a hard, an easy and a miskeyed item to flag)."""

from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from maintenance.models import PsychometricReview
from maintenance.services import upload_psychometric_results

DEMO_RESULTS = Path(__file__).resolve().parent / "data" / "assessment_results.csv"


def load_demo_review(*, plan, user) -> PsychometricReview:
    """Upload the demo results once; the analysis runs like any upload's (in-process
    without a broker, else on a worker)."""
    existing = PsychometricReview.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    upload = SimpleUploadedFile(
        "pilot-exam-results.csv", DEMO_RESULTS.read_bytes(), content_type="text/csv"
    )
    return upload_psychometric_results(plan=plan, user=user, upload=upload, max_mark=Decimal(1))
