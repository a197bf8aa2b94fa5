"""`manage.py load_demo` gives the demo plan a psychometric review with flagged items."""

from io import StringIO

from django.core.management import call_command

from maintenance.models import PsychometricReview
from maintenance.psychometrics import item_flags
from microcred import celery_app
from microcred.plans.models import Plan


def flagged_items(review):
    return {item["item"] for item in review.results["items"] if item_flags(item)}


def test_the_demo_plan_has_an_item_analysis_with_flagged_items(
    db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    # What `make run` does with no broker configured, whatever this test run's broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
        call_command("load_demo", stdout=StringIO())  # safe to run again: still one review
    plan = Plan.objects.get(title="Data Privacy Fundamentals")
    review = PsychometricReview.objects.get(plan=plan)
    assert review.status == PsychometricReview.Status.DONE
    assert review.results["test"]["attempts"] == 120
    assert round(review.results["test"]["alpha"], 3) == 0.805
    assert flagged_items(review) == {"Q9", "Q10", "Q14", "Q15"}
