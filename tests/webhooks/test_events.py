"""Which plan events record a delivery for which endpoints, what each body says, "answer
changed" at most once a minute, and what an answer's save costs with no endpoint."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from microcred.plans.answers import save_answer
from microcred.plans.record_rows import save_record
from microcred.reports.models import ReportExport
from microcred.reports.rendering import render_export
from microcred.review.services import decide_review, reopen_plan, submit_for_review
from microcred.webhooks.endpoint_flag import any_active_endpoint
from microcred.webhooks.models import WebhookDelivery
from microcred.webhooks.services import create_endpoint, delete_endpoint, record_plan_event
from tests.factories import PlanFactory
from tests.plans.test_editing_path import ANSWER_AUTOSAVE_QUERIES, autosave
from tests.test_permissions import demo_row

from .test_delivery import ALL_EVENTS

pytestmark = pytest.mark.django_db

HOOK_URL = "http://127.0.0.1:9/hooks"  # never reached: these tests run no hand-over


@pytest.fixture(autouse=True)
def private_addresses_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


def events_sent(**filters):
    return list(
        WebhookDelivery.objects.filter(**filters).order_by("pk").values_list("event", flat=True)
    )


def answer(plan, user, text, key="business_case"):
    question = plan.template_version.questions.get(key=key)
    stored = plan.answers.filter(question=question).first()
    save_answer(
        plan=plan,
        question=question,
        raw_value=text,
        base_revision=stored.revision if stored else 0,
        user=user,
    )


def test_the_review_workflow_sends_its_events(plan, owner, reviewer):
    endpoint = create_endpoint(plan=plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="changes_requested", reason="Add costs.")
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    decide_review(plan=plan, user=reviewer, decision="approved")
    reopen_plan(plan=plan, user=owner)
    assert events_sent(endpoint=endpoint) == [
        "plan.submitted",
        "plan.changes_requested",
        "plan.submitted",
        "plan.approved",
        "plan.reopened",
    ]
    changes = WebhookDelivery.objects.get(event="plan.changes_requested")
    assert changes.plan == plan
    assert changes.payload["id"] == str(changes.uuid)
    assert changes.payload["type"] == "plan.changes_requested"
    assert changes.payload["data"] == {
        "plan": {
            "id": plan.pk,
            "title": "Data Privacy Fundamentals",
            "status": "changes_requested",
            "url": f"http://127.0.0.1:8000/plans/{plan.pk}/",
            "api_url": f"http://127.0.0.1:8000/api/v1/plans/{plan.pk}/",
        },
        "review_round": {"number": 1, "decision": "changes_requested", "reason": "Add costs."},
    }
    reopened = WebhookDelivery.objects.get(event="plan.reopened")
    assert reopened.payload["data"]["plan"]["status"] == "draft"
    assert reopened.payload["data"]["review_round"]["number"] == 2


def test_a_refused_change_sends_nothing(plan, owner):
    create_endpoint(plan=plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    with pytest.raises(ValidationError, match="cannot be submitted now"):
        submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert events_sent() == ["plan.submitted"]


def test_a_finished_export_sends_its_event(plan, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    endpoint = create_endpoint(plan=plan, url=HOOK_URL, events=["plan.exported"], user=owner)
    export = ReportExport.objects.create(plan=plan, requested_by=owner, format="docx")
    render_export(export_id=export.pk)
    render_export(export_id=export.pk)  # done already: nothing more
    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    export.refresh_from_db()
    assert delivery.payload["data"]["export"] == {
        "id": export.pk,
        "format": "docx",
        "filename": export.filename,
        "page_count": None,
        "size_bytes": export.size_bytes,
        "download_url": "http://127.0.0.1:8000"
        + reverse("reports:download", kwargs={"plan_id": plan.pk, "export_id": export.pk}),
    }


def test_only_subscribed_endpoints_of_the_plan_or_of_every_plan_get_an_event(
    plan, owner, superuser, template_version
):
    other_plan = PlanFactory(title="Other", template_version=template_version, created_by=owner)
    subscribed = create_endpoint(plan=plan, url=HOOK_URL, events=["plan.submitted"], user=owner)
    create_endpoint(plan=plan, url=HOOK_URL, events=["plan.approved"], user=owner)
    create_endpoint(plan=other_plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    every_plan = create_endpoint(plan=None, url=HOOK_URL, events=ALL_EVENTS, user=superuser)
    disabled = create_endpoint(plan=plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    disabled.active = False
    disabled.save()
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {
        subscribed.pk,
        every_plan.pk,
    }


def test_answer_changes_send_one_event_a_minute_per_plan_and_endpoint(
    plan, owner, editor, superuser, template_version
):
    endpoint = create_endpoint(plan=plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    answer(plan, owner, "First.")
    answer(plan, editor, "Second.")
    answer(plan, owner, "Elsewhere.", key="value_proposition")
    question = plan.template_version.questions.get(key="price_tiers")
    save_record(plan=plan, question=question, data=demo_row(plan, question), user=owner)
    assert events_sent(endpoint=endpoint) == ["plan.answer_changed"]

    # Delivered a minute ago: the next change sends one again.
    first = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=first.pk).update(
        state="delivered", created_at=timezone.now() - timedelta(seconds=61)
    )
    answer(plan, owner, "Third.")
    assert events_sent(endpoint=endpoint) == ["plan.answer_changed"] * 2

    # Still pending, however old: none more until it is delivered (or failed).
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    answer(plan, owner, "Fourth.")
    assert events_sent(endpoint=endpoint) == ["plan.answer_changed"] * 2

    # Another plan's changes are its own, for an endpoint of every plan too.
    other_plan = PlanFactory(title="Other", template_version=template_version, created_by=owner)
    every_plan = create_endpoint(
        plan=None, url=HOOK_URL, events=["plan.answer_changed"], user=superuser
    )
    answer(other_plan, owner, "Theirs.")
    answer(plan, owner, "Fifth.")
    assert events_sent(endpoint=every_plan) == ["plan.answer_changed"] * 2
    assert events_sent(endpoint=endpoint) == ["plan.answer_changed"] * 2


def test_an_answer_saved_unchanged_sends_nothing(plan, owner):
    create_endpoint(plan=plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    answer(plan, owner, "Same.")
    WebhookDelivery.objects.all().delete()
    answer(plan, owner, "Same.")
    assert events_sent() == []


def test_with_no_endpoint_an_autosave_costs_no_query_more(
    client, plan, owner, django_assert_num_queries
):
    endpoint = create_endpoint(plan=plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    delete_endpoint(endpoint=endpoint)
    client.force_login(owner)
    autosave(client, plan, "business_case", "First.", 0)
    with django_assert_num_queries(ANSWER_AUTOSAVE_QUERIES):
        autosave(client, plan, "business_case", "Second.", 1)
    assert events_sent() == []


def test_the_flag_is_read_once_and_follows_the_endpoints(plan, owner, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not any_active_endpoint()
    with django_assert_num_queries(0):
        assert record_plan_event(plan=plan, event="plan.submitted", subject=None) == []
    endpoint = create_endpoint(plan=plan, url=HOOK_URL, events=ALL_EVENTS, user=owner)
    assert any_active_endpoint()
    delete_endpoint(endpoint=endpoint)
    assert not any_active_endpoint()
