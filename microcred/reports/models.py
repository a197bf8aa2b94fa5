from django.conf import settings
from django.db import models
from django.urls import reverse


class ReportExport(models.Model):
    """One request for a plan's consolidated PDF, and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Rendering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task id that last claimed the render: a redelivered or retried task
    # carries the same id and may take its own claim over.
    claimed_by = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    # When the render task was last handed to the broker; empty while the broker refused
    # it, until the periodic resend gets it through.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One export in flight per person and plan: asking again returns that one.
            models.UniqueConstraint(
                fields=["plan", "requested_by"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_export_in_flight_per_requester",
            ),
        ]

    def __str__(self):
        return f"PDF of {self.plan} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def awaiting_dispatch(self) -> bool:
        """Queued, but the broker has not taken it yet (the report service is busy)."""
        return self.status == self.Status.QUEUED and self.dispatched_at is None

    def get_download_url(self):
        return reverse("reports:download", kwargs={"plan_id": self.plan_id, "export_id": self.pk})
