"""The operations phase's records: who pays, who runs the program, which systems change and
how holders stay current."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from microcred.records.models import (
    PlanRecord,
    currency_field,
    money_field,
    require_other,
    short_text_field,
)


class FundingSource(PlanRecord):
    class Period(models.TextChoices):
        ONE_TIME = "one_time", "One-time"
        YEARLY = "yearly", "Yearly"

    funder = short_text_field("who pays")
    covers = short_text_field("what it covers", blank=True)
    amount = money_field("amount")
    currency = currency_field()
    period = models.CharField("period", max_length=16, choices=Period, default=Period.ONE_TIME)
    starts_on = models.DateField("from", null=True, blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "funding source"

    def __str__(self):
        return self.funder


class KeyPerson(PlanRecord):
    class Responsibility(models.TextChoices):
        MANAGES = "manages", "Manages"
        MONITORS = "monitors", "Monitors"
        BOTH = "both", "Manages and monitors"

    name = short_text_field("name")
    role = short_text_field("role")
    responsibility = models.CharField("manages or monitors", max_length=16, choices=Responsibility)
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "Give a share of a full-time post above 0."),
            MaxValueValidator(Decimal("1"), "One person works at most 1.00 FTE."),
        ],
    )

    class Meta(PlanRecord.Meta):
        verbose_name = "key person"
        verbose_name_plural = "key personnel"

    def __str__(self):
        return self.name

    @property
    def manages(self) -> bool:
        return self.responsibility in (self.Responsibility.MANAGES, self.Responsibility.BOTH)


class SystemChange(PlanRecord):
    class System(models.TextChoices):
        CERTIFICATION_MANAGEMENT = "certification_management", "Certification management"
        LMS = "lms", "Learning management (LMS)"
        TESTING = "testing", "Testing"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    system = models.CharField("system", max_length=32, choices=System)
    system_other = short_text_field("other system", blank=True)
    change = short_text_field("change needed")
    owner = short_text_field("owner")
    due_on = models.DateField("due", null=True, blank=True)
    status = models.CharField("status", max_length=16, choices=Status, default=Status.PLANNED)

    class Meta(PlanRecord.Meta):
        verbose_name = "system change"

    def __str__(self):
        return self.change

    def clean(self):
        super().clean()
        errors = require_other(self, "system", "system_other")
        if errors:
            raise ValidationError(errors)

    @property
    def system_name(self) -> str:
        return self.system_other if self.system == self.System.OTHER else self.get_system_display()


class RecertificationRule(PlanRecord):
    class Method(models.TextChoices):
        CE_CREDITS = "ce_credits", "Continuing education credits"
        RE_EXAM = "re_exam", "Re-examination"
        PORTFOLIO = "portfolio", "Portfolio"
        OTHER = "other", "Other"

    period_months = models.PositiveIntegerField(
        "every (months)",
        validators=[
            MinValueValidator(1, "Give a period of at least 1 month."),
            MaxValueValidator(120, "Give a period of at most 120 months (ten years)."),
        ],
    )
    method = models.CharField("how", max_length=16, choices=Method)
    method_other = short_text_field("other way", blank=True)
    credits_needed = models.PositiveIntegerField("credits needed", null=True, blank=True)
    details = short_text_field("details", blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "recertification rule"

    def __str__(self):
        return f"Every {self.period_months} months"

    def clean(self):
        super().clean()
        errors = require_other(self, "method", "method_other")
        if self.method == self.Method.CE_CREDITS and not self.credits_needed:
            errors["credits_needed"] = "Give the number of credits needed to renew."
        if errors:
            raise ValidationError(errors)

    @property
    def method_name(self) -> str:
        return self.method_other if self.method == self.Method.OTHER else self.get_method_display()
