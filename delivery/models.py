"""Delivery's typed records: the platforms that deliver the credential and how they connect."""

from django.core.exceptions import ValidationError
from django.db import models

from microcred.records.models import PlanRecord, short_text_field

OTHER_ROLE_MISSING = "Say what the platform does, since its role is Other."
OTHER_ROLE_UNUSED = "Leave this empty unless the role is Other."


class Platform(PlanRecord):
    """A system candidates' records, learning, exams or badges go through, and the other
    platforms of the plan it passes data to."""

    class Role(models.TextChoices):
        CANDIDATE_MANAGEMENT = "candidate_management", "Candidate management"
        LEARNING_MANAGEMENT = "learning_management", "Learning management"
        TESTING = "testing", "Testing"
        CREDENTIALING = "credentialing", "Credentialing"
        OTHER = "other", "Other"

    class IntegrationStatus(models.TextChoices):
        PLANNED = "planned", "Planned"
        BUILT = "built", "Built"
        TESTED = "tested", "Tested"

    product = short_text_field("product")
    vendor = short_text_field("vendor", blank=True)
    role = models.CharField("role", max_length=20, choices=Role.choices)
    role_other = short_text_field("other role", blank=True)
    # One way: the platform this row describes sends data to or calls the ones named here,
    # and its integration status says how far those integrations have got.
    integrates_with = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="+", verbose_name="integrates with"
    )
    integration_status = models.CharField(
        "integration status", max_length=10, choices=IntegrationStatus.choices, blank=True
    )

    class Meta(PlanRecord.Meta):
        verbose_name = "platform"

    def __str__(self):
        return self.product

    def clean(self):
        super().clean()
        if self.role == self.Role.OTHER and not self.role_other.strip():
            raise ValidationError({"role_other": OTHER_ROLE_MISSING})
        if self.role != self.Role.OTHER and self.role_other.strip():
            raise ValidationError({"role_other": OTHER_ROLE_UNUSED})

    @property
    def role_text(self) -> str:
        """The role as the planner means it: the "Other" answer when the role is Other."""
        if self.role == self.Role.OTHER:
            return self.role_other
        return self.get_role_display()
