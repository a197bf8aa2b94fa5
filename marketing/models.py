"""Marketing's records: whom the microcredential is sold to, through what, and how success
is measured."""

from django.core.exceptions import ValidationError
from django.db import models

from microcred.records.models import PlanRecord, currency_field, money_field, short_text_field


class AudienceSegment(PlanRecord):
    class Reach(models.TextChoices):
        CURRENT = "current", "Current audience"
        NEW = "new", "New audience"

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", "Organization"
        INDIVIDUAL = "individual", "Individual"
        DECISION_MAKER = "decision_maker", "Decision-maker"

    name = short_text_field("segment")
    reach = models.CharField("current or new", max_length=8, choices=Reach.choices)
    kind = models.CharField("type", max_length=16, choices=Kind.choices)
    estimated_size = models.PositiveIntegerField("estimated size", null=True, blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "audience segment"

    def __str__(self):
        return self.name


class Channel(PlanRecord):
    # A deleted segment leaves its channels without one, which readiness reports,
    # rather than deleting the channels or refusing the deletion.
    segment = models.ForeignKey(
        AudienceSegment,
        verbose_name="segment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="channels",
    )
    name = short_text_field("channel")
    budget = money_field("budget", null=True, blank=True)
    currency = currency_field()
    starts_on = models.DateField("start date", null=True, blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "channel"

    def __str__(self):
        return self.name

    def clean(self):
        # The form only offers this plan's segments; this guards every other way in.
        segment = self.segment if self.segment_id and self.plan_id else None
        if segment is not None and segment.plan_id != self.plan_id:
            raise ValidationError({"segment": "Choose a segment of this plan."})


class SuccessMetric(PlanRecord):
    class Direction(models.TextChoices):
        AT_LEAST = "at_least", "At least"
        AT_MOST = "at_most", "At most"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        YEARLY = "yearly", "Yearly"

    name = short_text_field("metric")
    direction = models.CharField(
        "target is", max_length=8, choices=Direction.choices, default=Direction.AT_LEAST
    )
    target = models.DecimalField("target", max_digits=17, decimal_places=2)
    unit = short_text_field("unit", blank=True)
    frequency = models.CharField("measured", max_length=10, choices=Frequency.choices)

    class Meta(PlanRecord.Meta):
        verbose_name = "success metric"

    def __str__(self):
        return self.name

    @property
    def target_text(self) -> str:
        """The target as a sentence fragment: "At least 12%", "At most 60 USD"."""
        number = f"{self.target.normalize():,f}"
        separator = "" if self.unit in ("%", "") else " "
        return f"{self.get_direction_display()} {number}{separator}{self.unit}"
