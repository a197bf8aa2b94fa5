"""Plans made before they had a currency of their own take their first price tier's: the
currency the figures used for them until now. Plans without tiers keep the default."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def currency_from_first_price_tier(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    PriceTier = apps.get_model("planning", "PriceTier")
    first_tier_currency = (
        PriceTier.objects.filter(plan=OuterRef("pk")).order_by("position", "pk").values("currency")
    )
    Plan.objects.filter(pk__in=PriceTier.objects.values("plan")).update(
        currency=Subquery(first_tier_currency[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_cost_lines_and_candidate_forecast"),
        ("plans", "0012_plan_currency_and_discount_rate"),
    ]

    operations = [
        # Going back drops the column, so there is nothing to undo.
        migrations.RunPython(currency_from_first_price_tier, migrations.RunPython.noop),
    ]
