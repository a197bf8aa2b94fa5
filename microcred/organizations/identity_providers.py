"""An organization's identity provider: where its people sign in with their institution's
account (OpenID Connect or SAML 2.0), set up by an admin in the Django admin.

A model of the organizations app, imported by models.py; it names the organization by
string so that it needs nothing from models.py (the app's modules never import each other
both ways)."""

from django.core.exceptions import ValidationError
from django.db import models

# OrganizationMembership.Role's values and labels (tests/organizations check that they match).
MEMBER_ROLES = [
    ("admin", "Organization admin"),
    ("program_manager", "Program manager"),
    ("committee_member", "Committee member"),
]


class IdentityProvider(models.Model):
    class Protocol(models.TextChoices):
        OPENID_CONNECT = "openid_connect", "OpenID Connect"
        SAML = "saml", "SAML 2.0"

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="identity_providers",
    )
    protocol = models.CharField(max_length=20, choices=Protocol.choices)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="Part of this provider's sign-in addresses, e.g. “northbridge” gives "
        "/accounts/oidc/northbridge/login/callback/ (OpenID Connect) or "
        "/accounts/saml/northbridge/acs/ (SAML). Changing it changes the addresses the "
        "identity provider must know.",
    )
    button_label = models.CharField(
        max_length=100,
        help_text="What the login page's button says, e.g. “Northbridge Institute staff”.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active providers are offered on the login page."
    )

    # OpenID Connect
    server_url = models.URLField(
        "discovery URL",
        blank=True,
        help_text="OpenID Connect only: the issuer, e.g. https://login.example.edu/realms/staff "
        "(/.well-known/openid-configuration is added), or the full discovery document URL.",
    )
    client_id = models.CharField(
        max_length=255, blank=True, help_text="OpenID Connect only: the client id it gave us."
    )
    client_secret = models.CharField(
        max_length=255, blank=True, help_text="OpenID Connect only: the client secret."
    )

    # SAML 2.0
    metadata_url = models.URLField(
        "IdP metadata URL",
        blank=True,
        help_text="SAML only: where the identity provider publishes its metadata. Give this "
        "or paste the metadata below.",
    )
    metadata_xml = models.TextField(
        "IdP metadata XML",
        blank=True,
        help_text="SAML only: the identity provider's metadata document, pasted, when it "
        "publishes none at a URL.",
    )
    entity_id = models.CharField(
        "IdP entity id",
        max_length=255,
        blank=True,
        help_text="SAML only: the identity provider's entity id, needed when its metadata "
        "describes several identity providers.",
    )
    trusts_addresses = models.BooleanField(
        "vouches for its addresses",
        default=False,
        help_text="SAML only: the identity provider hands out only addresses its users own. "
        "Then an address at one of the organization's e-mail domains counts as verified, "
        "and may sign in to an existing account with that address. (OpenID Connect "
        "providers say so per person, with the email_verified claim.)",
    )

    membership_attribute = models.CharField(
        "membership attribute or claim",
        max_length=255,
        blank=True,
        help_text="Optional: an attribute (SAML) or claim (OpenID Connect) that makes a person "
        "a member, e.g. “eduPersonAffiliation”. People with an address at one of the "
        "organization's e-mail domains become members without it.",
    )
    membership_value = models.CharField(
        "membership value",
        max_length=255,
        blank=True,
        help_text="The value of that attribute or claim that makes a person a member, e.g. "
        "“staff”; one of several values is enough.",
    )
    member_role = models.CharField(
        "role of new members",
        max_length=20,
        choices=MEMBER_ROLES,
        default="program_manager",
        help_text="The role in the organization that members who sign in here get.",
    )

    class Meta:
        ordering = ["organization", "button_label"]

    def __str__(self):
        return f"{self.button_label} ({self.get_protocol_display()})"

    def clean(self):
        errors = {}
        if self.protocol == self.Protocol.OPENID_CONNECT:
            for field in ("server_url", "client_id", "client_secret"):
                if not getattr(self, field):
                    errors[field] = "An OpenID Connect provider needs this."
        elif self.protocol == self.Protocol.SAML and not (self.metadata_url or self.metadata_xml):
            errors["metadata_url"] = "Give the metadata URL, or paste the metadata XML."
        if bool(self.membership_attribute) != bool(self.membership_value):
            errors["membership_value"] = "Give both the attribute and its value, or neither."
        if errors:
            raise ValidationError(errors)
