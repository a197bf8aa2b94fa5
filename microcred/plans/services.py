"""Creating plans and changing their settings."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils.text import slugify

from microcred.organizations.models import Organization
from microcred.organizations.services import organization_for_new_plan
from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.typed_text import validate_plain_text, validate_single_line
from microcred.records.models import CURRENCY, money_field_names
from microcred.records.registry import REGISTRY

from .models import Plan, PlanMembership, default_currency


class NoPublishedTemplate(Exception):
    pass


def latest_published_version() -> TemplateVersion:
    version = (
        TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise NoPublishedTemplate(
            "No question template is published yet. Ask a template admin to publish one."
        )
    return version


@transaction.atomic
def create_plan(
    *,
    title: str,
    organization: Organization | str,
    summary: str = "",
    currency: str = "",
    discount_rate: Decimal = Decimal(0),
    template_version: TemplateVersion | None = None,
    user: User,
    copied_from: Plan | None = None,
    imported_from_file: str = "",
) -> Plan:
    """A new plan owned by `user` for `organization` (or the organization of that name,
    organizations.services.organization_for_new_plan), its amounts in `currency` (the
    organization's default currency when not given), on `template_version` (the latest
    published one when not given); a copy of `copied_from`, or imported from the file named
    `imported_from_file`, says so."""
    validate_single_line(title, label="title")
    validate_plain_text(summary, label="summary")
    organization = _organization(organization, user=user)
    plan = Plan(
        title=title.strip(),
        slug=slugify(title)[:200] or "plan",
        organization=organization,
        summary=summary.strip(),
        currency=currency or organization.default_currency or default_currency(),
        discount_rate=discount_rate,
        template_version=template_version or latest_published_version(),
        created_by=user,
        copied_from=copied_from,
        imported_from_file=imported_from_file,
    )
    plan.full_clean()
    plan.save()
    PlanMembership.objects.create(plan=plan, user=user, role=PlanMembership.Role.OWNER)
    return plan


def _organization(organization: Organization | str, *, user: User) -> Organization:
    if isinstance(organization, Organization):
        return organization
    try:
        return organization_for_new_plan(user=user, name=organization)
    except ValidationError as error:
        raise ValidationError({"organization": error.messages}) from None


def rows_with_amounts_not_in(*, plan: Plan, currency: str) -> dict[str, int]:
    """How many of the plan's rows, by row name ("price tier"), hold an amount in another
    currency than `currency` (one query per table that has amounts)."""
    counts: dict[str, int] = {}
    for record_type in REGISTRY.values():
        amounts = money_field_names(record_type.model)
        if not amounts:
            continue
        has_amount = Q()
        for name in amounts:
            has_amount |= Q(**{f"{name}__isnull": False})
        count = (
            record_type.model.objects.filter(plan=plan)
            .filter(has_amount)
            .exclude(**{CURRENCY: currency})
            .count()
        )
        if count:
            counts[record_type.row_name] = count
    return counts


def currency_change_refusal(*, currency: str, kept: str, rows: dict[str, int]) -> str:
    total = sum(rows.values())
    listed = ", ".join(f"{count} {name}{pluralize(count)}" for name, count in rows.items())
    return (
        f"The currency cannot change to {currency}: {total} row{pluralize(total)} of this "
        f"plan {pluralize(total, 'has,have')} amounts in another currency ({listed}), and "
        f"amounts are never converted. Delete those rows first, or keep {kept}."
    )


@transaction.atomic
def update_plan_settings(
    *,
    plan: Plan,
    user: User,
    title: str,
    organization: Organization | str,
    summary: str,
    currency: str,
    discount_rate: Decimal,
) -> Plan:
    """Change the plan's title, organization, summary, currency and discount rate.

    Refused (ValidationError) while its answers are locked, and when the currency would
    change while rows hold amounts in the current one: their numbers would silently
    change meaning."""
    locked = (
        Plan.objects.select_for_update(of=("self",)).select_related("organization").get(pk=plan.pk)
    )
    if locked.answers_lock_reason:
        raise ValidationError(locked.answers_lock_reason)
    validate_single_line(title, label="title")
    validate_plain_text(summary, label="summary")
    if isinstance(organization, str) and organization.strip() == locked.organization.name:
        organization = locked.organization  # kept, whoever may plan in it
    organization = _organization(organization, user=user)
    if currency != locked.currency:
        rows = rows_with_amounts_not_in(plan=locked, currency=currency)
        if rows:
            raise ValidationError(
                {
                    "currency": currency_change_refusal(
                        currency=currency, kept=locked.currency, rows=rows
                    )
                }
            )
    locked.title = title.strip()
    locked.organization = organization
    locked.summary = summary.strip()
    locked.currency = currency
    locked.discount_rate = discount_rate
    locked.full_clean()
    locked.save(
        update_fields=[
            "title",
            "organization",
            "summary",
            "currency",
            "discount_rate",
            "updated_at",
        ]
    )
    return locked


def display_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else "someone"
