"""The rules of signing in through an organization's identity provider
(microcred/organizations/sign_in_services.py), and the providers as allauth sees them
(social_apps.py). The sign-ins themselves, through real providers: tests/e2e."""

import pytest
from django.core.exceptions import ValidationError

from microcred.organizations.identity_providers import MEMBER_ROLES
from microcred.organizations.models import (
    EmailDomain,
    IdentityProvider,
    Organization,
    OrganizationMembership,
)
from microcred.organizations.sign_in_services import (
    account_with_address,
    address_is_verified,
    claims_of,
    grant_membership,
    grants_membership,
    unique_username,
)
from microcred.organizations.social_apps import (
    MetadataError,
    idp_settings_from_metadata,
    sign_in_origins,
    social_app_for,
    social_apps,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.northbridge.edu/idp">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>MIICertificateForTests</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://sso.northbridge.edu/idp/profile/SAML2/Redirect/SSO"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


@pytest.fixture
def northbridge():
    organization = Organization.objects.create(name="Northbridge Institute", slug="northbridge")
    EmailDomain.objects.create(organization=organization, domain="northbridge.edu")
    return organization


def oidc(organization, **fields):
    fields.setdefault("server_url", "https://login.northbridge.edu/realms/staff")
    return IdentityProvider.objects.create(
        organization=organization,
        protocol=IdentityProvider.Protocol.OPENID_CONNECT,
        slug=fields.pop("slug", "northbridge-oidc"),
        button_label="Northbridge staff",
        client_id="planner",
        client_secret="secret",
        **fields,
    )


def saml(organization, **fields):
    fields.setdefault("metadata_xml", METADATA)
    return IdentityProvider.objects.create(
        organization=organization,
        protocol=IdentityProvider.Protocol.SAML,
        slug=fields.pop("slug", "northbridge-saml"),
        button_label="Northbridge (SAML)",
        **fields,
    )


def test_member_roles_are_the_membership_roles():
    assert list(OrganizationMembership.Role.choices) == MEMBER_ROLES


def test_oidc_claims_are_the_id_token_s_with_the_userinfo_s_over_them():
    extra_data = {
        "id_token": {"sub": "1", "email": "old@northbridge.edu", "email_verified": False},
        "userinfo": {"email": "ada@northbridge.edu", "email_verified": True, "groups": ["a", "b"]},
    }
    assert claims_of("openid_connect", extra_data) == {
        "sub": ["1"],
        "email": ["ada@northbridge.edu"],
        "email_verified": ["true"],
        "groups": ["a", "b"],
    }


def test_saml_claims_are_the_attributes():
    attributes = {"mail": ["ben@northbridge.edu"], "eduPersonAffiliation": ["member", "staff"]}
    assert claims_of("saml", attributes) == attributes


@pytest.mark.parametrize(
    ("claims", "verified"),
    [({"email_verified": ["true"]}, True), ({"email_verified": ["false"]}, False), ({}, False)],
)
def test_an_oidc_address_is_verified_only_by_the_email_verified_claim(
    northbridge, claims, verified
):
    provider = oidc(northbridge)
    assert address_is_verified(provider, "ada@elsewhere.org", claims) is verified


def test_a_saml_address_is_verified_by_its_attribute(northbridge):
    provider = saml(northbridge)
    claims = {"http://schemas.auth0.com/email_verified": ["true"]}
    assert address_is_verified(provider, "ben@elsewhere.org", claims)
    assert not address_is_verified(provider, "ben@northbridge.edu", {})


def test_a_saml_provider_that_vouches_for_addresses_does_so_for_its_domains_only(northbridge):
    provider = saml(northbridge, trusts_addresses=True)
    assert address_is_verified(provider, "Ben@NorthBridge.edu", {})
    assert not address_is_verified(provider, "ben@gmail.com", {})
    assert not address_is_verified(provider, "", {})


def test_an_address_at_the_organization_s_domain_makes_a_member(northbridge):
    provider = oidc(northbridge)
    assert grants_membership(provider, "ada@northbridge.edu", {})
    assert not grants_membership(provider, "ada@elsewhere.org", {})


def test_another_organization_s_domain_makes_no_member(northbridge):
    other = Organization.objects.create(name="Southgate College", slug="southgate")
    EmailDomain.objects.create(organization=other, domain="southgate.edu")
    assert not grants_membership(oidc(northbridge), "sam@southgate.edu", {})


def test_the_configured_attribute_value_makes_a_member(northbridge):
    provider = saml(
        northbridge, membership_attribute="eduPersonAffiliation", membership_value="staff"
    )
    assert grants_membership(
        provider, "ben@gmail.com", {"eduPersonAffiliation": ["member", "staff"]}
    )
    assert not grants_membership(provider, "ben@gmail.com", {"eduPersonAffiliation": ["student"]})
    assert not grants_membership(provider, "ben@gmail.com", {})


def test_membership_gets_the_provider_s_role_once(northbridge):
    provider = oidc(northbridge, member_role=OrganizationMembership.Role.COMMITTEE_MEMBER)
    user = UserFactory()
    for _ in range(2):
        grant_membership(provider=provider, user=user, email="ada@northbridge.edu", claims={})
    assert list(user.organization_memberships.values_list("organization", "role")) == [
        (northbridge.pk, "committee_member")
    ]
    assert (
        grant_membership(provider=provider, user=UserFactory(), email="x@y.org", claims={}) is None
    )


def test_a_username_is_the_address_s_local_part_numbered_if_taken():
    assert unique_username("ada.lovelace@northbridge.edu") == "ada.lovelace"
    UserFactory(username="ada.lovelace")
    UserFactory(username="Ada.Lovelace2")
    assert unique_username("ada.lovelace@elsewhere.org") == "ada.lovelace3"
    assert unique_username("o'brien+plans@northbridge.edu") == "obrien+plans"
    assert unique_username("") == "user"


def test_the_account_with_an_address_is_found_in_any_case():
    user = UserFactory(email="Grace.Hopper@example.org")
    assert account_with_address("grace.hopper@EXAMPLE.org") == user
    assert account_with_address("") is None


def test_an_oidc_provider_is_an_allauth_app_named_by_its_slug(northbridge):
    app = social_app_for(oidc(northbridge))
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        "northbridge-oidc",
        "planner",
        "secret",
    )
    assert app.settings["server_url"] == "https://login.northbridge.edu/realms/staff"
    assert app.pk is None


def test_a_saml_provider_takes_its_pasted_metadata_and_wants_signed_assertions(northbridge):
    app = social_app_for(saml(northbridge))
    assert (app.provider, app.client_id) == ("saml", "northbridge-saml")
    assert app.settings["idp"] == {
        "entity_id": "https://idp.northbridge.edu/idp",
        "sso_url": "https://sso.northbridge.edu/idp/profile/SAML2/Redirect/SSO",
        "x509cert": "MIICertificateForTests",
    }
    assert app.settings["advanced"]["want_assertion_signed"] is True


def test_metadata_that_names_no_identity_provider_is_refused():
    with pytest.raises(MetadataError):
        idp_settings_from_metadata("<not-metadata/>")
    with pytest.raises(MetadataError):
        idp_settings_from_metadata("not even XML")


def test_allauth_sees_the_active_providers_only(northbridge):
    oidc(northbridge)
    saml(northbridge)
    oidc(northbridge, slug="retired", active=False)
    assert sorted(app.provider_id for app in social_apps()) == [
        "northbridge-oidc",
        "northbridge-saml",
    ]
    assert [app.provider_id for app in social_apps(provider="saml")] == ["northbridge-saml"]
    assert [app.provider_id for app in social_apps(provider="northbridge-oidc")] == [
        "northbridge-oidc"
    ]
    assert social_apps(provider="saml", client_id="retired") == []


def test_the_login_page_may_post_on_to_the_providers_origins(northbridge):
    oidc(northbridge)
    saml(northbridge)
    assert sign_in_origins() == ["https://login.northbridge.edu", "https://sso.northbridge.edu"]


def test_a_provider_needs_its_protocol_s_settings(northbridge):
    provider = IdentityProvider(
        organization=northbridge, protocol="openid_connect", slug="x", button_label="X"
    )
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert {"server_url", "client_id", "client_secret"} <= refused.value.message_dict.keys()
    provider.protocol = "saml"
    provider.membership_attribute = "eduPersonAffiliation"
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert {"metadata_url", "membership_value"} <= refused.value.message_dict.keys()


def test_the_login_page_lists_the_active_providers(client, northbridge):
    oidc(northbridge)
    oidc(northbridge, slug="retired", active=False)
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign in with your institution" in page
    assert 'action="/accounts/oidc/northbridge-oidc/login/"' in page
    assert "retired" not in page
    assert "https://login.northbridge.edu" in response["Content-Security-Policy"]


def test_the_login_page_without_providers_is_as_before(client):
    response = client.get("/accounts/login/")
    assert "Sign in with your institution" not in response.content.decode()
    assert "form-action 'self';" in response["Content-Security-Policy"] + ";"


def test_no_password_logs_in_through_allauth_s_backend(client):
    """Only ModelBackend checks passwords, case-sensitively, behind django-axes: a username
    in another case is no other way in."""
    UserFactory(username="alice", password="correct horse battery")
    for username, logged_in in (("ALICE", False), ("alice", True)):
        client.post("/accounts/login/", {"username": username, "password": "correct horse battery"})
        assert ("_auth_user_id" in client.session) is logged_in


@pytest.mark.parametrize("protocol", ["openid_connect", "saml"])
def test_a_provider_that_cannot_be_reached_gets_a_page_that_says_so(client, northbridge, protocol):
    closed = "http://127.0.0.1:9"  # the discard port: nothing answers on loopback
    if protocol == "openid_connect":
        provider = oidc(northbridge, server_url=closed)
        url = "/accounts/oidc/northbridge-oidc/login/"
    else:
        provider = saml(northbridge, metadata_url=f"{closed}/metadata", metadata_xml="")
        url = "/accounts/saml/northbridge-saml/login/"
    assert provider.active
    response = client.post(url)
    assert response.status_code == 502
    assert "could not be reached" in response.content.decode()


def test_the_admin_shows_the_addresses_to_register(client, northbridge):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/organizations/identityprovider/add/").status_code == 200
    provider = saml(northbridge)
    page = client.get(f"/admin/organizations/identityprovider/{provider.pk}/change/")
    assert "/accounts/saml/northbridge-saml/acs/" in page.content.decode()


def test_the_admin_refuses_metadata_it_cannot_read(client, northbridge):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/organizations/identityprovider/add/",
        {
            "organization": northbridge.pk,
            "protocol": "saml",
            "button_label": "Northbridge",
            "slug": "northbridge",
            "active": "on",
            "metadata_xml": "<not-metadata/>",
            "member_role": "program_manager",
        },
    )
    assert response.status_code == 200
    assert "names no identity provider" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_a_provider_s_address_opened_rather_than_posted_to_asks_to_continue(client, northbridge):
    oidc(northbridge)
    response = client.get("/accounts/oidc/northbridge-oidc/login/")
    assert response.status_code == 200
    assert "Continue to Northbridge staff" in response.content.decode()
    assert "https://login.northbridge.edu" in response["Content-Security-Policy"]


def test_allauth_s_own_table_of_apps_is_not_in_the_admin():
    from allauth.socialaccount.models import SocialApp
    from django.contrib import admin

    assert not admin.site.is_registered(SocialApp)
