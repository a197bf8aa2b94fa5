from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from .identity_provider_forms import IdentityProviderForm
from .models import EmailDomain, IdentityProvider, Organization, OrganizationMembership
from .social_apps import provider_addresses


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 1


class MembershipInline(admin.TabularInline):
    model = OrganizationMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "country", "default_currency"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EmailDomainInline, MembershipInline]


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """Where an organization's people sign in with their institution's account
    (docs/sign-in.md)."""

    form = IdentityProviderForm
    list_display = ["button_label", "organization", "protocol", "slug", "active"]
    list_filter = ["protocol", "active"]
    search_fields = ["button_label", "slug", "organization__name"]
    autocomplete_fields = ["organization"]
    prepopulated_fields = {"slug": ["button_label"]}
    readonly_fields = ["addresses_to_register"]
    fieldsets = [
        (None, {"fields": ["organization", "protocol", "button_label", "slug", "active"]}),
        (
            "OpenID Connect",
            {
                "description": "Register this site as a client at the identity provider, with "
                "the redirect URI shown under “Addresses to register”.",
                "fields": ["server_url", "client_id", "client_secret"],
            },
        ),
        (
            "SAML 2.0",
            {
                "description": "Register this site as a service provider at the identity "
                "provider, with the addresses shown under “Addresses to register”. The "
                "identity provider must sign its assertions.",
                "fields": ["metadata_url", "metadata_xml", "entity_id", "trusts_addresses"],
            },
        ),
        (
            "Membership",
            {
                "description": "Who signs in here becomes a member of the organization when "
                "their e-mail address is at one of its e-mail domains, or when the attribute "
                "below has the value below.",
                "fields": ["membership_attribute", "membership_value", "member_role"],
            },
        ),
        ("Addresses to register", {"fields": ["addresses_to_register"]}),
    ]

    @admin.display(description="This site's addresses")
    def addresses_to_register(self, provider: IdentityProvider) -> str:
        if not provider.slug:
            return "Shown once the provider is saved."
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant
            "{}: {}",
            provider_addresses(provider),
        )
