"""Organizations and their people: which organization a new plan goes to, and who is in it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from microcred.questionnaires.typed_text import validate_single_line

from .models import PLANNING_ROLES, EmailDomain, Organization, OrganizationMembership


def not_a_planner_of(organization: Organization) -> str:
    return (
        f"You do not plan for {organization.name}: ask one of its organization admins to "
        "add you as a program manager, or name another organization."
    )


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, number = base, 1
    while Organization.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def may_plan_in(*, user: User | AnonymousUser, organization: Organization) -> bool:
    if isinstance(user, AnonymousUser):
        return False
    if user.is_superuser:
        return True
    return OrganizationMembership.objects.filter(
        organization=organization, user_id=user.pk, role__in=PLANNING_ROLES
    ).exists()


def organization_for_new_plan(*, user: User, name: str) -> Organization:
    """The organization a plan of `user` named `name` belongs to: the organization of that
    name (in any case) if they plan for it; a new one, with them as its admin, when none
    has the name. Refused (ValidationError) for an organization they do not plan for."""
    validate_single_line(name, label="organization")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Name the organization that will offer the microcredential.")
    organization = Organization.objects.filter(name__iexact=name).first()
    if organization is None:
        try:
            with transaction.atomic():
                organization = Organization.objects.create(name=name, slug=unique_slug(name))
        except IntegrityError:  # made by someone else meanwhile
            organization = Organization.objects.get(name__iexact=name)
        else:
            OrganizationMembership.objects.create(
                organization=organization, user=user, role=OrganizationMembership.Role.ADMIN
            )
            return organization
    if not may_plan_in(user=user, organization=organization):
        raise ValidationError(not_a_planner_of(organization))
    return organization


def organization_for_imported_plan(*, user: User, name: str) -> Organization:
    """The organization of a plan `user` imports or copies from a file naming `name`: that
    one if they plan for it (or none has the name), else the first they plan for; only when
    they plan for none is the named one refused."""
    try:
        return organization_for_new_plan(user=user, name=name)
    except ValidationError:
        first = (
            Organization.objects.filter(
                memberships__user_id=user.pk, memberships__role__in=PLANNING_ROLES
            )
            .order_by("name")
            .first()
        )
        if first is None:
            raise
        return first


def add_member(*, organization: Organization, user: User, role: str) -> OrganizationMembership:
    membership, _ = OrganizationMembership.objects.get_or_create(
        organization=organization, user=user, role=role
    )
    return membership


def organization_of_address(email: str) -> Organization | None:
    """The organization whose staff have addresses at the e-mail's domain, if any."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    found = EmailDomain.objects.filter(domain=domain).select_related("organization").first()
    return found.organization if found else None


# The people of an organization, managed by its admins (views.py).

NO_ACCOUNT = (
    "No account has this address. Ask the person to sign in once (or to create an "
    "account), then add them."
)
SEVERAL_ACCOUNTS = (
    "Several accounts have this address, so we cannot tell which one you mean: ask a site "
    "administrator to add the person."
)
LAST_ADMIN = (
    "This is the organization's last admin: give another person the admin role first, so "
    "that someone can still manage its people."
)
NOT_A_MEMBER = "This person is not in the organization."


def _locked(organization: Organization) -> Organization:
    """The organization's row, locked until the transaction ends: two admins removing each
    other at once cannot leave it without one (on PostgreSQL; SQLite writes one at a time)."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _would_leave_no_admin(organization: Organization, *, user_id: int) -> bool:
    admins = OrganizationMembership.objects.filter(
        organization=organization, role=OrganizationMembership.Role.ADMIN
    )
    return admins.filter(user_id=user_id).exists() and not admins.exclude(user_id=user_id).exists()


@transaction.atomic
def add_person(*, organization: Organization, email: str, role: str) -> OrganizationMembership:
    """The account with this e-mail address in the organization with this role (kept if
    they hold it already). Refused with the same words for an address no account has,
    whoever else it belongs to: the form reveals nothing of other organizations."""
    accounts = list(
        get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)[:2]
    )
    if not accounts:
        raise ValidationError({"email": NO_ACCOUNT})
    if len(accounts) > 1:
        raise ValidationError({"email": SEVERAL_ACCOUNTS})
    return add_member(organization=organization, user=accounts[0], role=role)


@transaction.atomic
def give_role(*, organization: Organization, user_id: int, role: str) -> OrganizationMembership:
    """A further role for someone already in the organization."""
    person = (
        OrganizationMembership.objects.filter(organization=organization, user_id=user_id)
        .select_related("user")
        .first()
    )
    if person is None:
        raise ValidationError(NOT_A_MEMBER)
    return add_member(organization=organization, user=person.user, role=role)


@transaction.atomic
def remove_role(*, organization: Organization, user_id: int, role: str) -> None:
    """One role of a person taken away; their last role taken, they leave the organization.
    Refused for the admin role of its last admin."""
    _locked(organization)
    membership = OrganizationMembership.objects.filter(
        organization=organization, user_id=user_id, role=role
    ).first()
    if membership is None:
        raise ValidationError({"role": "This person does not hold this role."})
    if role == OrganizationMembership.Role.ADMIN and _would_leave_no_admin(
        organization, user_id=user_id
    ):
        raise ValidationError({"role": LAST_ADMIN})
    membership.delete()


@transaction.atomic
def remove_person(*, organization: Organization, user_id: int) -> None:
    """Every role of a person in the organization taken away. Refused for its last admin."""
    _locked(organization)
    memberships = OrganizationMembership.objects.filter(organization=organization, user_id=user_id)
    if not memberships.exists():
        raise ValidationError(NOT_A_MEMBER)
    if _would_leave_no_admin(organization, user_id=user_id):
        raise ValidationError(LAST_ADMIN)
    memberships.delete()


def claimed_domains(*, organization: Organization, domains: list[str]) -> list[str]:
    """Those of the domains that another organization already has."""
    return list(
        EmailDomain.objects.filter(domain__in=domains)
        .exclude(organization=organization)
        .order_by("domain")
        .values_list("domain", flat=True)
    )


@transaction.atomic
def update_organization_settings(
    *,
    organization: Organization,
    short_name: str,
    country: str,
    default_currency: str,
    email_domains: list[str],
) -> Organization:
    """The organization's settings, its e-mail domains exactly those given (lower case,
    without "@"). Refused, with nothing saved, for a domain another organization has."""
    domains = sorted({domain.strip().lstrip("@").lower() for domain in email_domains} - {""})
    claimed = claimed_domains(organization=organization, domains=domains)
    if claimed:
        raise ValidationError({"email_domains": domain_claimed_message(claimed)})
    organization.short_name = short_name
    organization.country = country
    organization.default_currency = default_currency
    organization.save(update_fields=["short_name", "country", "default_currency"])
    organization.email_domains.exclude(domain__in=domains).delete()
    kept = set(organization.email_domains.values_list("domain", flat=True))
    try:
        with transaction.atomic():
            EmailDomain.objects.bulk_create(
                EmailDomain(organization=organization, domain=domain)
                for domain in domains
                if domain not in kept
            )
    except IntegrityError:  # claimed by another organization meanwhile
        claimed = claimed_domains(organization=organization, domains=domains)
        raise ValidationError({"email_domains": domain_claimed_message(claimed)}) from None
    return organization


def domain_claimed_message(domains: list[str]) -> str:
    listed = ", ".join(domains)
    return (
        f"Another organization already has {listed}: people signing in with an address at a "
        "domain join one organization only. Remove it here, or ask a site administrator."
    )
