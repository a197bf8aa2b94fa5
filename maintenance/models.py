"""Maintenance's typed records (the reviews that keep the credential current and the
metrics that show how it is doing) and the psychometric reviews of uploaded results."""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from microcred.records.models import PlanRecord, short_text_field
from microcred.work.queued import QueuedWork

MONTHS_RANGE = "Give a number of months from 1 to 120."
OTHER_AREA_MISSING = "Say what is reviewed, since it is Other."
OTHER_AREA_UNUSED = "Leave this empty unless what is reviewed is Other."
LAST_DONE_IN_FUTURE = "The last review cannot be in the future: leave it empty until it is done."
FIRST_DUE_AFTER_DONE = (
    "Leave the first due date empty once a review is done: the next follows from it."
)


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class ReviewCycle(PlanRecord):
    """A review that comes back every so many months, such as the yearly content review."""

    class Area(models.TextChoices):
        CONTENT = "content", "Content"
        ASSESSMENT = "assessment", "Assessment"
        PSYCHOMETRICS = "psychometrics", "Psychometrics"
        METRICS = "metrics", "Metrics"
        OTHER = "other", "Other"

    name = short_text_field("review")
    area = models.CharField("what is reviewed", max_length=20, choices=Area.choices)
    area_other = short_text_field("other area", blank=True)
    every_months = models.PositiveIntegerField(
        "every (months)",
        validators=[MinValueValidator(1, MONTHS_RANGE), MaxValueValidator(120, MONTHS_RANGE)],
    )
    # Optional so that a plan can list a review before knowing who runs it; readiness says
    # which reviews still need one.
    owner = short_text_field("owner", blank=True)
    last_done = models.DateField("last done", null=True, blank=True)
    # For a review never done yet (most of them, before launch).
    first_due = models.DateField("first due", null=True, blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "review cycle"

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.area == self.Area.OTHER and not self.area_other.strip():
            errors["area_other"] = OTHER_AREA_MISSING
        if self.area != self.Area.OTHER and self.area_other.strip():
            errors["area_other"] = OTHER_AREA_UNUSED
        if self.last_done and self.last_done > timezone.localdate():
            errors["last_done"] = LAST_DONE_IN_FUTURE
        if self.last_done and self.first_due:
            errors["first_due"] = FIRST_DUE_AFTER_DONE
        if errors:
            raise ValidationError(errors)

    @property
    def area_text(self) -> str:
        """What is reviewed as the planner means it: the "Other" answer when it is Other."""
        if self.area == self.Area.OTHER:
            return self.area_other
        return self.get_area_display()

    @property
    def next_due(self) -> datetime.date | None:
        """When the review is due: `every_months` after it was last done, or its first
        due date when it has never been done."""
        if self.last_done is None or not self.every_months:
            return self.first_due
        return months_after(self.last_done, self.every_months)


class TrackedMetric(PlanRecord):
    """A measure of the credential's health, where it comes from and who sees it."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_A_YEAR = "twice_a_year", "Twice a year"
        YEARLY = "yearly", "Yearly"

    name = short_text_field("metric")
    source = short_text_field("source", blank=True)
    update_frequency = models.CharField("updated", max_length=20, choices=Frequency.choices)
    audience = short_text_field("who sees it", blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "tracked metric"

    def __str__(self):
        return self.name


class ReviewCalendarFeed(models.Model):
    """A plan's secret calendar link, which calendar apps subscribe to without logging in.
    Made when the owner first sees it; resetting it gives a new `secret`, so that the old
    link answers 404."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="+")
    # The link carries an HMAC of this with SECRET_KEY (maintenance/calendar.py), never
    # the secret itself: the database alone does not give the link away.
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    reset_at = models.DateTimeField(null=True, blank=True)
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "review calendar feed"

    def __str__(self):
        return f"Review calendar of plan {self.plan_id}"


class ReviewReminder(models.Model):
    """An e-mail reminder of a review cycle's due date, recorded before it is sent: the
    unique constraint lets one run, however many run at once or again, send each."""

    class Kind(models.TextChoices):
        TWO_WEEKS_BEFORE = "two_weeks_before", "14 days before"
        DUE_DAY = "due_day", "On the day"

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField()
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "due_date", "kind"], name="one_reminder_per_cycle_due_date_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder of {self.cycle_id} due {self.due_date}"


def default_max_mark():
    return Decimal(1)


class PsychometricReview(QueuedWork, models.Model):
    """An upload of an assessment's results (a CSV kept privately) and the item analysis
    a worker computed from it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Computing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        # By the plan's owner: the figures and the file are gone; the row says who and when.
        REMOVED = "removed", "Removed"

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="psychometric_reviews"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="psychometrics/%Y/%m/")
    filename = models.CharField("file name", max_length=255)
    max_mark = models.DecimalField(
        "maximum mark per item",
        max_digits=7,
        decimal_places=2,
        default=default_max_mark,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The figures as `manage.py item_analysis --json` prints them.
    results = models.JSONField(null=True, blank=True)
    histogram_svg = models.TextField(blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task id that last claimed the computation (a redelivery carries the same).
    claimed_by = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # When the task was last handed to the broker; empty while the broker refused it.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "psychometric review"

    def __str__(self):
        return f"Item analysis of {self.filename} ({self.get_status_display()})"

    def get_download_url(self):
        return reverse(
            "maintenance:psychometrics_download",
            kwargs={"plan_id": self.plan_id, "review_id": self.pk},
        )
