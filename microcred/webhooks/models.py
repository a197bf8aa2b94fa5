import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from microcred.plans.models import Plan

from .events import EVENT_LABELS


class WebhookEndpoint(models.Model):
    """An HTTPS address that is sent a signed POST for each event it subscribed to, of
    one plan, or of every plan (`plan` empty: a site admin's)."""

    plan = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        help_text="Empty: every plan's events (site admins only).",
    )
    url = models.URLField("URL", max_length=2000)
    # The names of events.EVENT_CHOICES it subscribed to.
    events = models.JSONField(default=list)
    # The key that signs each delivery, kept readable because signing needs it; shown to
    # the owner once, when the endpoint is made.
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    # Failed attempts since the last delivered one; at WEBHOOKS_DISABLE_AFTER_FAILURES the
    # endpoint is disabled and its owner told.
    failure_count = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    # When the owner was e-mailed about the disabling; empty until that e-mail went out.
    disabled_notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.url

    @property
    def event_labels(self) -> list[str]:
        return [EVENT_LABELS.get(event, event) for event in self.events]


class WebhookDelivery(models.Model):
    """One event for one endpoint: recorded in the event's transaction, handed to a worker
    on commit, attempted until the receiver answers 2xx or the retries are spent."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    # The Webhook-Id header and the body's "id": the same on every attempt, so that a
    # receiver can drop a delivery it already processed.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # When it was last handed to the broker; empty while the broker refused it or after a
    # failed attempt, until the periodic sweep hands it over again once it is due.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; while an attempt runs, the end of its lease.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_ms = models.PositiveIntegerField("response time (ms)", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(
                fields=["endpoint", "plan", "event", "created_at"], name="webhook_delivery_recent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.state})"

    @property
    def event_label(self) -> str:
        return EVENT_LABELS.get(self.event, self.event)
