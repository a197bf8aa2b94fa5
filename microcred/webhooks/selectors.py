from django.db.models import QuerySet

from microcred.plans.models import Plan

from .models import WebhookDelivery, WebhookEndpoint

# The delivery log page shows this many of an endpoint's newest deliveries.
LOG_LENGTH = 50


def endpoints_of(plan: Plan) -> QuerySet[WebhookEndpoint]:
    """The plan's own endpoints (not those for every plan, which the admin lists)."""
    return WebhookEndpoint.objects.filter(plan=plan).select_related("created_by")


def delivery_log(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .defer("payload")
        .order_by("-created_at", "-pk")[:LOG_LENGTH]
    )
