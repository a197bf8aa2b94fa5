"""The rules of signing in through an organization's identity provider: whose address
counts as verified, who becomes a member of the organization, the username of a new
account. Plain functions of what the provider sent (its claims or attributes, made one
shape by `claims_of`), which the allauth adapter (adapters.py) and the tests call."""

import re
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from .identity_providers import IdentityProvider
from .models import EmailDomain, OrganizationMembership
from .services import add_member

# What a provider sent about a person: every claim (OpenID Connect) or attribute (SAML),
# by name, as its values in text ("true"/"false" for a JSON boolean).
Claims = dict[str, list[str]]

# SAML attributes that carry the e-mail verified flag (allauth reads the first as
# "email_verified"); a SAML assertion has no standard one.
SAML_EMAIL_VERIFIED_ATTRIBUTES = ("http://schemas.auth0.com/email_verified", "email_verified")
TRUE_TEXTS = {"true", "1", "t", "y", "yes"}
USERNAME_MAX_LENGTH = 150


def claims_of(protocol: str, extra_data: Mapping[str, object]) -> Claims:
    """The claims or attributes of one sign-in, from allauth's SocialAccount.extra_data:
    for OpenID Connect the ID token's claims with the userinfo's over them, for SAML the
    assertion's attributes."""
    if protocol == IdentityProvider.Protocol.OPENID_CONNECT:
        merged: dict[str, object] = {}
        for part in ("id_token", "userinfo"):
            section = extra_data.get(part)
            if isinstance(section, Mapping):
                merged.update(section)
        if not merged:  # allauth before 65.11 kept the claims at the top
            merged = dict(extra_data)
        return {name: _texts(value) for name, value in merged.items()}
    return {name: _texts(value) for name, value in extra_data.items()}


def _texts(value: object) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    return [
        ("true" if item else "false") if isinstance(item, bool) else str(item)
        for item in values
        if item is not None
    ]


def is_true(claims: Claims, name: str) -> bool:
    values = claims.get(name) or []
    return bool(values) and values[0].strip().lower() in TRUE_TEXTS


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def has_organization_address(provider: IdentityProvider, email: str) -> bool:
    """Whether the address is at one of the provider's organization's e-mail domains."""
    return EmailDomain.objects.filter(
        organization_id=provider.organization_id, domain=domain_of(email)
    ).exists()


def address_is_verified(provider: IdentityProvider, email: str, claims: Claims) -> bool:
    """Whether the provider vouched that the person owns `email`, which alone lets a sign-in
    reach an existing account with that address. OpenID Connect: the email_verified claim
    is true. SAML, which has no standard flag: an email_verified attribute is true, or the
    admin ticked "vouches for its addresses" and the address is at one of the
    organization's own domains (an institution vouches for its own mailboxes, not others')."""
    if not email:
        return False
    if provider.protocol == IdentityProvider.Protocol.OPENID_CONNECT:
        return is_true(claims, "email_verified")
    if any(is_true(claims, name) for name in SAML_EMAIL_VERIFIED_ATTRIBUTES):
        return True
    return provider.trusts_addresses and has_organization_address(provider, email)


def grants_membership(provider: IdentityProvider, email: str, claims: Claims) -> bool:
    """Whether a person who signed in through `provider` is a member of its organization:
    their address is at one of its e-mail domains, or the provider's membership attribute
    (or claim) has the configured value among its values. Only the organization's own
    provider admits to it, so its say about the address is enough here."""
    if email and has_organization_address(provider, email):
        return True
    if provider.membership_attribute and provider.membership_value:
        wanted = provider.membership_value.strip()
        values = claims.get(provider.membership_attribute.strip()) or []
        return any(value.strip() == wanted for value in values)
    return False


def grant_membership(
    *, provider: IdentityProvider, user: User, email: str, claims: Claims
) -> OrganizationMembership | None:
    """Makes the person a member with the provider's role if the rules say so (again at
    every sign-in, so that a later change of attribute counts); never takes a role away."""
    if not grants_membership(provider, email, claims):
        return None
    return add_member(organization=provider.organization, user=user, role=provider.member_role)


def unique_username(email: str) -> str:
    """A username for a new account: the address's local part, numbered if taken."""
    local_part = email.partition("@")[0]
    # What Django's username validator allows (letters, digits and @.+-_), less "@".
    base = re.sub(r"[^\w.+-]", "", local_part)[: USERNAME_MAX_LENGTH - 6] or "user"
    users = get_user_model().objects
    username, number = base, 1
    while users.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}{number}"
    return username


def account_with_address(email: str) -> User | None:
    """The existing account whose address this is (in any case), if there is one."""
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
