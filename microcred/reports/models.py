from django.conf import settings
from django.db import models
from django.urls import reverse

from microcred.plans.models import Plan


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
    # What the PDF was made from, recorded by the render: the plan's status (printed on
    # its cover) and its `updated_at`, which every answer save, version move, submission
    # and decision moves on. Empty for exports made before this was recorded.
    plan_status = models.CharField(max_length=20, blank=True)
    plan_changed_at = models.DateTimeField(null=True, blank=True)

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

    @property
    def plan_status_label(self) -> str:
        """The plan's status when the PDF was made, as the cover prints it ("" if unknown)."""
        return Plan.Status(self.plan_status).label if self.plan_status in Plan.Status.values else ""

    @property
    def is_current(self) -> bool:
        """A finished PDF made from the plan as it is now: no answer, version or status
        change since. Reads `self.plan`, so load the exports through `plan.exports`."""
        return (
            self.status == self.Status.DONE
            and self.plan_changed_at is not None
            and self.plan_changed_at >= self.plan.updated_at
            and self.plan_status == self.plan.status
        )

    @property
    def is_approved_version(self) -> bool:
        return self.status == self.Status.DONE and self.plan_status == Plan.Status.APPROVED

    def get_download_url(self):
        return reverse("reports:download", kwargs={"plan_id": self.plan_id, "export_id": self.pk})
