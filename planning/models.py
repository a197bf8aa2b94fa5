"""Strategic planning's records: who has a say, who else sells this, and what it costs."""

from django.core.exceptions import ValidationError
from django.db import models

from microcred.records.models import PlanRecord, currency_field, money_field, short_text_field

OTHER_REQUIRED = "You chose Other: say what it is."
OTHER_ONLY = "Leave this empty unless you choose Other."


def require_other(record, *, choice_field: str, other_field: str) -> dict[str, str]:
    """The errors of a choice whose "Other" needs its own words (and only then)."""
    choice, other = getattr(record, choice_field), getattr(record, other_field).strip()
    if choice == "other" and not other:
        return {other_field: OTHER_REQUIRED}
    if choice != "other" and other:
        return {other_field: OTHER_ONLY}
    return {}


class Stakeholder(PlanRecord):
    class Side(models.TextChoices):
        INTERNAL = "internal", "Internal"
        EXTERNAL = "external", "External"

    class Consultation(models.TextChoices):
        SURVEY = "survey", "Survey"
        ADVISORY_PANEL = "advisory_panel", "Advisory panel"
        INTERVIEWS = "interviews", "Interviews"
        FOCUS_GROUP = "focus_group", "Focus group"
        OTHER = "other", "Other"

    name = short_text_field("name or group")
    side = models.CharField("internal or external", max_length=8, choices=Side.choices)
    interest = short_text_field("interest", blank=True)
    consultation = models.CharField("how consulted", max_length=16, choices=Consultation.choices)
    consultation_other = short_text_field("other way of consulting", blank=True)
    consulted_from = models.DateField("from", null=True, blank=True)
    consulted_until = models.DateField("until", null=True, blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "stakeholder"

    def __str__(self):
        return self.name

    def clean(self):
        errors = require_other(self, choice_field="consultation", other_field="consultation_other")
        if (
            self.consulted_from
            and self.consulted_until
            and self.consulted_until < self.consulted_from
        ):
            errors["consulted_until"] = "The consultation cannot end before it starts."
        if errors:
            raise ValidationError(errors)


class Competitor(PlanRecord):
    name = short_text_field("name")
    offering = short_text_field("offering")
    price = money_field("price", null=True, blank=True)
    currency = currency_field()
    how_we_win = short_text_field("how we win", blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "competitor"

    def __str__(self):
        return self.name


class PriceTier(PlanRecord):
    class Audience(models.TextChoices):
        MEMBER = "member", "Member"
        NON_MEMBER = "non_member", "Non-member"
        EARLY_ADOPTER = "early_adopter", "Early adopter"
        ORGANIZATION_LICENCE = "organization_licence", "Organization licence"
        OTHER = "other", "Other"

    name = short_text_field("tier")
    audience = models.CharField("audience", max_length=24, choices=Audience.choices)
    audience_other = short_text_field("other audience", blank=True)
    price = money_field("price")
    currency = currency_field()
    seats = models.PositiveIntegerField("seats", null=True, blank=True)
    valid_from = models.DateField("valid from", null=True, blank=True)
    valid_to = models.DateField("valid to", null=True, blank=True)

    class Meta(PlanRecord.Meta):
        verbose_name = "price tier"

    def __str__(self):
        return self.name

    def clean(self):
        errors = require_other(self, choice_field="audience", other_field="audience_other")
        licence = self.audience == self.Audience.ORGANIZATION_LICENCE
        if licence and not self.seats:
            errors["seats"] = "Say how many seats the licence covers."
        if not licence and self.seats is not None:
            errors["seats"] = "Seats apply only to an organization licence: leave this empty."
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = "The price cannot end before it starts: check the dates."
        if errors:
            raise ValidationError(errors)


# The figures look this many years ahead (cost lines and forecasts name a year in it).
PLAN_YEARS = 5
YEAR_CHOICES = [(year, f"Year {year}") for year in range(1, PLAN_YEARS + 1)]


class CostLine(PlanRecord):
    class Category(models.TextChoices):
        DEVELOPMENT = "development", "Development"
        YEARLY_RUNNING = "yearly_running", "Yearly running"
        MARKETING = "marketing", "Marketing"
        OTHER = "other", "Other"

    item = short_text_field("item")
    category = models.CharField("category", max_length=16, choices=Category.choices)
    category_other = short_text_field("other category", blank=True)
    amount = money_field("amount")
    currency = currency_field()
    # A cost falls in one year of the plan, or in each of them (then `year` is empty).
    year = models.PositiveSmallIntegerField("year", choices=YEAR_CHOICES, null=True, blank=True)
    every_year = models.BooleanField("every year", default=False)

    class Meta(PlanRecord.Meta):
        verbose_name = "cost line"

    def __str__(self):
        return self.item

    def clean(self):
        errors = require_other(self, choice_field="category", other_field="category_other")
        if self.every_year and self.year is not None:
            errors["year"] = "Leave the year empty for a cost that falls every year."
        if not self.every_year and self.year is None:
            errors["year"] = "Choose the year this cost falls in, or tick Every year."
        if errors:
            raise ValidationError(errors)


class CandidateForecast(PlanRecord):
    year = models.PositiveSmallIntegerField("year", choices=YEAR_CHOICES)
    # A deleted tier leaves its forecasts without one, which the figures report, rather
    # than deleting the forecasts or refusing the deletion. The form requires a tier.
    price_tier = models.ForeignKey(
        PriceTier,
        verbose_name="price tier",
        null=True,
        on_delete=models.SET_NULL,
        related_name="forecasts",
    )
    candidates = models.PositiveIntegerField("expected candidates")

    class Meta(PlanRecord.Meta):
        verbose_name = "candidate forecast"

    def __str__(self):
        tier = self.price_tier if self.price_tier_id else None
        return f"Year {self.year}, {tier.name if tier else 'no price tier'}"

    def clean(self):
        if not self.year:
            return
        tier = self.price_tier if self.price_tier_id else None
        if tier is None:
            return
        # The form only offers this plan's tiers; this guards every other way in.
        if self.plan_id and tier.plan_id != self.plan_id:
            raise ValidationError({"price_tier": "Choose a price tier of this plan."})
        if self.has_row_like(year=self.year, price_tier_id=self.price_tier_id):
            raise ValidationError(
                {
                    "price_tier": f"Year {self.year} already has a forecast for "
                    f"“{tier.name}”: change that row instead."
                }
            )
