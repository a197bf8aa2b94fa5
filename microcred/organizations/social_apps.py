"""The active identity providers as allauth's SocialApps, built on each request from the
IdentityProvider rows that admins edit, never saved: allauth reads its providers'
settings from these, so nobody edits its JSON settings by hand."""

import logging
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.core.cache import cache
from django.urls import reverse
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from microcred.site_url.address import absolute_url

from .identity_providers import IdentityProvider

logger = logging.getLogger(__name__)

# Where allauth finds each field in a SAML assertion: the usual names of the attributes
# (URN, Microsoft claim URI, LDAP), first found wins. The subject is the NameID.
SAML_ATTRIBUTE_MAPPING = {
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "mail",
        "email",
    ],
    "email_verified": ["http://schemas.auth0.com/email_verified", "email_verified"],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
    ],
}


class MetadataError(ValueError):
    """Pasted SAML metadata that names no identity provider we can use."""


def idp_settings_from_metadata(metadata_xml: str, entity_id: str = "") -> dict[str, str]:
    """allauth's "idp" settings (entity id, sign-in URL, signing certificate) from an
    identity provider's metadata document."""
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(metadata_xml, entity_id=entity_id or None)
    except Exception as error:  # lxml's and python3-saml's own errors alike
        raise MetadataError(f"The metadata could not be read: {error}") from error
    idp = parsed.get("idp") or {}
    certificate = idp.get("x509cert") or next(
        iter(idp.get("x509certMulti", {}).get("signing", [])), ""
    )
    sso_url = idp.get("singleSignOnService", {}).get("url", "")
    if not (idp.get("entityId") and sso_url and certificate):
        raise MetadataError(
            "The metadata names no identity provider with a sign-in URL and a signing "
            "certificate" + (f" for entity id {entity_id}." if entity_id else ".")
        )
    return {"entity_id": idp["entityId"], "sso_url": sso_url, "x509cert": certificate}


def social_app_for(provider: IdentityProvider) -> SocialApp:
    """The unsaved SocialApp that allauth uses for this provider. Its provider_id (OpenID
    Connect) or client_id (SAML) is the slug that the provider's URLs carry; the settings
    keep the IdentityProvider's id for the adapter."""
    settings: dict[str, Any] = {"identity_provider": provider.pk}
    if provider.protocol == IdentityProvider.Protocol.OPENID_CONNECT:
        settings.update(server_url=provider.server_url, oauth_pkce_enabled=True)
        return SocialApp(
            provider=provider.protocol,
            provider_id=provider.slug,
            name=provider.button_label,
            client_id=provider.client_id,
            secret=provider.client_secret,
            settings=settings,
        )
    idp: dict[str, str | None]
    if provider.metadata_url:
        idp = {"metadata_url": provider.metadata_url, "entity_id": provider.entity_id or None}
    else:
        idp = dict(idp_settings_from_metadata(provider.metadata_xml, provider.entity_id))
    settings.update(
        idp=idp,
        attribute_mapping=SAML_ATTRIBUTE_MAPPING,
        # Only signed assertions, checked strictly (audience, destination, validity times).
        advanced={"strict": True, "want_assertion_signed": True},
    )
    return SocialApp(
        provider=provider.protocol,
        provider_id=provider.slug,
        name=provider.button_label,
        client_id=provider.slug,
        settings=settings,
    )


def social_apps(provider: str | None = None, client_id: str | None = None) -> list[SocialApp]:
    """The active providers' SocialApps, as allauth's adapter.list_apps asks for them: of
    one protocol ("openid_connect", "saml") or one provider_id, and of one client id."""
    apps = []
    for identity_provider in IdentityProvider.objects.filter(active=True):
        try:
            app = social_app_for(identity_provider)
        except MetadataError:
            logger.exception("Identity provider %s left out", identity_provider.slug)
            continue
        if provider and provider not in (app.provider, app.provider_id):
            continue
        if client_id and app.client_id != client_id:
            continue
        apps.append(app)
    return apps


def login_url(provider: IdentityProvider) -> str:
    """Where the login page's button for this provider posts to."""
    if provider.protocol == IdentityProvider.Protocol.SAML:
        return reverse("saml_login", kwargs={"organization_slug": provider.slug})
    return reverse("openid_connect_login", kwargs={"provider_id": provider.slug})


def provider_addresses(provider: IdentityProvider) -> list[tuple[str, str]]:
    """This site's addresses that the identity provider's admins register, by name."""
    if provider.protocol == IdentityProvider.Protocol.OPENID_CONNECT:
        callback = reverse("openid_connect_callback", kwargs={"provider_id": provider.slug})
        return [("Redirect URI", absolute_url(callback))]
    slug = {"organization_slug": provider.slug}
    return [
        ("Entity id and metadata", absolute_url(reverse("saml_metadata", kwargs=slug))),
        ("Assertion consumer service (HTTP-POST)", absolute_url(reverse("saml_acs", kwargs=slug))),
        ("Single logout service", absolute_url(reverse("saml_sls", kwargs=slug))),
    ]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def sign_in_origins() -> list[str]:
    """Where the active providers' sign-in pages are, for the login page's
    Content-Security-Policy: its institution buttons post to this site, which redirects to
    the provider, and browsers hold that redirect to the page's form-action. An OpenID
    Connect provider signs in at its issuer's origin; a SAML one at its metadata's sign-in
    URL, or where the metadata is before it was first read."""
    origins = set()
    for provider in IdentityProvider.objects.filter(active=True):
        if provider.protocol == IdentityProvider.Protocol.OPENID_CONNECT:
            origins.add(origin_of(provider.server_url))
            continue
        sso_url = ""
        try:
            if provider.metadata_url:
                idp = cached_metadata(provider.metadata_url, provider.entity_id)
                sso_url = (idp or {}).get("singleSignOnService", {}).get("url", "")
            else:
                sso_url = idp_settings_from_metadata(provider.metadata_xml, provider.entity_id)[
                    "sso_url"
                ]
        except MetadataError:
            pass
        origins.add(origin_of(sso_url or provider.metadata_url))
    return sorted(origin for origin in origins if origin)


def cached_metadata(metadata_url: str, entity_id: str) -> dict[str, Any] | None:
    """The identity provider's part of its metadata if allauth read it lately (it keeps
    what it read in the cache, under this key), without fetching it."""
    found = cache.get(f"saml.metadata.{metadata_url}.{entity_id or None}")
    return found.get("idp") if isinstance(found, dict) else None
