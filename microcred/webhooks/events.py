"""The events a webhook endpoint may subscribe to, and what each delivery's body says."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from microcred.plans.models import Plan, ReviewRound
from microcred.plans.signals import (
    ANSWER_CHANGED,
    APPROVED,
    CHANGES_REQUESTED,
    EXPORTED,
    REOPENED,
    SUBMITTED,
)
from microcred.site_url.address import absolute_url

# What "Send a test event" sends, whatever the endpoint subscribed to.
TEST = "webhook.test"

EVENT_CHOICES = [
    (SUBMITTED, "Plan submitted for review"),
    (CHANGES_REQUESTED, "Changes requested by a reviewer"),
    (APPROVED, "Plan approved"),
    (REOPENED, "Approved plan reopened for revision"),
    (EXPORTED, "PDF or Word export ready"),
    (ANSWER_CHANGED, "Answers or table rows changed (at most one a minute per plan)"),
]
EVENT_NAMES = [name for name, _label in EVENT_CHOICES]
EVENT_LABELS = dict(EVENT_CHOICES) | {TEST: "Test event"}


def plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "status": plan.status,
        "url": absolute_url(plan.get_absolute_url()),
        "api_url": absolute_url(reverse("api:plan_detail", kwargs={"pk": plan.pk})),
    }


def _round_data(review_round: ReviewRound) -> dict[str, Any]:
    return {
        "number": review_round.number,
        "decision": review_round.decision,
        "reason": review_round.reason,
    }


def _export_data(export: Any) -> dict[str, Any]:
    # A reports.ReportExport: reports is a layer below, but only its fields are read here.
    return {
        "id": export.pk,
        "format": export.format,
        "filename": export.filename,
        "page_count": export.page_count,
        "size_bytes": export.size_bytes,
        "download_url": absolute_url(
            reverse("reports:download", kwargs={"plan_id": export.plan_id, "export_id": export.pk})
        ),
    }


def event_payload(
    *, delivery_id: str, event: str, plan: Plan | None, subject: Any
) -> dict[str, Any]:
    """A delivery's JSON body: its id (also the Webhook-Id header), the event's name, when
    it happened, and the plan with what the event is about (`subject`: the review round,
    the export, or None); a test event of an endpoint for every plan names no plan."""
    data: dict[str, Any] = {"plan": plan_data(plan) if plan else None}
    if isinstance(subject, ReviewRound):
        data["review_round"] = _round_data(subject)
    elif event == EXPORTED and subject is not None:
        data["export"] = _export_data(subject)
    return {
        "id": delivery_id,
        "type": event,
        "timestamp": timezone.now().isoformat(),
        "data": data,
    }
