from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from microcred.plans.models import Plan
from microcred.work.queued import QueuedWork


class ReportExport(QueuedWork, models.Model):
    """One request for a plan's consolidated PDF or Word document, and what became of it."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"

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
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PDF)
    # What the export contains (options.ExportOptions.as_json), fixed when it is requested;
    # {} for exports made before there were options: everything.
    options = models.JSONField(default=dict, blank=True)
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

    # Not a field: what the export left out, in words, read when shown (a str; given by
    # selectors.exports_of).
    options_text: SimpleLazyObject

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One export in flight per person, plan and format: asking again returns that one.
            models.UniqueConstraint(
                fields=["plan", "requested_by", "format"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_export_in_flight_per_requester",
            ),
        ]

    def __str__(self):
        return f"{self.get_format_display()} of {self.plan} ({self.get_status_display()})"

    @property
    def document_name(self) -> str:
        """How messages name the file: "PDF", "Word document"."""
        return DOCUMENT_NAMES[self.format]

    @property
    def plan_status_label(self) -> str:
        """The plan's status when the file was made, as the cover prints it ("" if unknown)."""
        return Plan.Status(self.plan_status).label if self.plan_status in Plan.Status.values else ""

    @property
    def is_current(self) -> bool:
        """A finished file made from the plan as it is now: no answer, version or status
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


# By the stored format (a plain str when read back).
DOCUMENT_NAMES: dict[str, str] = {
    ReportExport.Format.PDF: "PDF",
    ReportExport.Format.DOCX: "Word document",
}


class PageSize(models.TextChoices):
    """The paper the PDF and the Word document are laid out for; automatic follows the
    site's REPORT_PAGE_SIZE, or else the plan's currency (options.paper_of)."""

    AUTOMATIC = "auto", "Automatic"
    A4 = "a4", "A4"
    LETTER = "letter", "US Letter"


class ExportSettings(models.Model):
    """The export options a plan's members saved last (see options.ExportOptions): every
    export of the plan, in any format, is made with them."""

    plan = models.OneToOneField(
        "plans.Plan", on_delete=models.CASCADE, related_name="export_settings"
    )
    # The slugs of the phases to include; null: every phase.
    phase_slugs = models.JSONField(null=True, blank=True)
    include_unanswered = models.BooleanField(default=True)
    include_appendix = models.BooleanField(default=True)
    include_archived = models.BooleanField(default=True)
    page_size = models.CharField(
        max_length=10, choices=PageSize.choices, default=PageSize.AUTOMATIC
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "export settings"
        verbose_name_plural = "export settings"

    def __str__(self):
        return f"Export settings of {self.plan}"
