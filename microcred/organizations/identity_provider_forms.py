"""The admin's form of an identity provider: the secret masked, pasted metadata checked."""

from django import forms
from django.db import models

from .identity_providers import IdentityProvider
from .social_apps import MetadataError, idp_settings_from_metadata


def url_field(name: str) -> forms.URLField:
    """The model field's form field, where an address typed without a scheme is https."""
    field = IdentityProvider._meta.get_field(name)
    assert isinstance(field, models.URLField)  # noqa: S101 - for the type checker
    return forms.URLField(
        assume_scheme="https",
        required=False,
        label=str(field.verbose_name).capitalize(),
        help_text=field.help_text,
    )


class IdentityProviderForm(forms.ModelForm):
    server_url = url_field("server_url")
    metadata_url = url_field("metadata_url")

    class Meta:
        model = IdentityProvider
        fields = [
            "organization",
            "protocol",
            "button_label",
            "slug",
            "active",
            "server_url",
            "client_id",
            "client_secret",
            "metadata_url",
            "metadata_xml",
            "entity_id",
            "trusts_addresses",
            "membership_attribute",
            "membership_value",
            "member_role",
        ]
        widgets = {"client_secret": forms.PasswordInput(render_value=True)}

    def clean(self):
        cleaned_data = super().clean() or {}
        metadata_xml = cleaned_data.get("metadata_xml")
        if (
            cleaned_data.get("protocol") == IdentityProvider.Protocol.SAML
            and metadata_xml
            and not cleaned_data.get("metadata_url")
        ):
            try:
                idp_settings_from_metadata(metadata_xml, cleaned_data.get("entity_id", ""))
            except MetadataError as error:
                self.add_error("metadata_xml", str(error))
        return cleaned_data
