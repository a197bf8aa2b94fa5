"""The institutions that plan microcredentials, and the people in each with their roles."""

from django.conf import settings
from django.db import models
from django_countries.fields import CountryField

from microcred.questionnaires.kinds import CURRENCIES

# A model of this app kept in its own module.
from .identity_providers import IdentityProvider  # noqa: F401


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


class Organization(models.Model):
    name = models.CharField(
        max_length=200, unique=True, help_text="As it appears on its plans and reports."
    )
    short_name = models.CharField(
        max_length=40, blank=True, help_text="An abbreviation for lists, e.g. “NBI”."
    )
    slug = models.SlugField(max_length=60, unique=True)
    country = CountryField(blank=True)
    default_currency = models.CharField(
        max_length=3,
        choices=CURRENCIES,
        default=default_currency,
        help_text="The currency of its new plans.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class EmailDomain(models.Model):
    """An e-mail domain of the organization's staff: people who sign in through its
    identity provider with an address at it become its members."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="email_domains"
    )
    # Lower case, without "@": "northbridge.edu".
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lstrip("@").lower()
        super().save(*args, **kwargs)


class OrganizationMembership(models.Model):
    """One role of a person in an organization; a person may hold several."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Organization admin"
        PROGRAM_MANAGER = "program_manager", "Program manager"
        COMMITTEE_MEMBER = "committee_member", "Committee member"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "role"], name="one_membership_per_role"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.organization}"


# Who may start plans in an organization, and who sees all of its plans.
PLANNING_ROLES = (OrganizationMembership.Role.ADMIN, OrganizationMembership.Role.PROGRAM_MANAGER)
OVERSEEING_ROLES = (
    OrganizationMembership.Role.ADMIN,
    OrganizationMembership.Role.COMMITTEE_MEMBER,
)
