"""maintenance 0005: results uploaded before uploads were recorded in the plan's activity
get their activity, so that their uploaders count as having written in the plan."""

import importlib

import pytest
from django.apps import apps as django_apps

from maintenance.models import PsychometricReview
from microcred.plans.models import PlanActivity
from microcred.plans.reviewers import reviewer_facts

MIGRATION = importlib.import_module("maintenance.migrations.0005_results_upload_activities")

pytestmark = pytest.mark.django_db


def test_an_earlier_upload_makes_its_uploader_a_writer(plan, reviewer):
    review = PsychometricReview.objects.create(
        plan=plan, uploaded_by=reviewer, filename="results.csv", file="psychometrics/results.csv"
    )
    PsychometricReview.objects.create(plan=plan, uploaded_by=None, filename="orphan.csv")
    assert not reviewer_facts(user=reviewer, plan=plan).has_written_in_plan

    MIGRATION.record_earlier_uploads(django_apps, None)

    activity = PlanActivity.objects.get()
    assert (activity.plan, activity.actor, activity.created_at, activity.verb) == (
        plan,
        reviewer,
        review.uploaded_at,
        PlanActivity.Verb.RESULTS_UPLOADED,
    )
    assert activity.summary == "Rosa Reviewer uploaded the assessment results “results.csv”"
    assert reviewer_facts(user=reviewer, plan=plan).has_written_in_plan

    MIGRATION.forget_upload_activities(django_apps, None)
    assert not PlanActivity.objects.exists()
