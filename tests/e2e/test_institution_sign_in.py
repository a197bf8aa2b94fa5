"""Signing in with one's institution's account, through real identity providers on
loopback (tests/e2e/identity_providers.py): an OpenID Connect provider and a SAML one."""

import datetime
import re
from urllib.parse import parse_qs, urlencode

import pytest
from django.contrib.auth import get_user_model
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from playwright.sync_api import expect

from microcred.organizations.models import (
    EmailDomain,
    IdentityProvider,
    Organization,
    OrganizationMembership,
)
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.identity_providers import (
    OIDC_CLIENT_ID,
    OIDC_CLIENT_SECRET,
    OIDC_SLUG,
    SAML_SLUG,
    decoded,
    encoded,
    oidc_provider,  # noqa: F401 - a fixture
    saml_provider,  # noqa: F401 - a fixture
    saml_signing_key,  # noqa: F401 - a fixture
)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

User = get_user_model()
SAML_NS = {
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
ACS = re.compile(r".*/accounts/saml/[^/]+/acs/$")


@pytest.fixture
def northbridge():
    organization = Organization.objects.create(name="Northbridge Institute", slug="northbridge")
    EmailDomain.objects.create(organization=organization, domain="northbridge.edu")
    return organization


@pytest.fixture
def oidc_sign_in(northbridge, oidc_provider):  # noqa: F811
    return IdentityProvider.objects.create(
        organization=northbridge,
        protocol=IdentityProvider.Protocol.OPENID_CONNECT,
        slug=OIDC_SLUG,
        button_label="Northbridge staff (OpenID Connect)",
        server_url=oidc_provider.url,
        client_id=OIDC_CLIENT_ID,
        client_secret=OIDC_CLIENT_SECRET,
    )


@pytest.fixture
def saml_sign_in(northbridge, saml_provider):  # noqa: F811
    return IdentityProvider.objects.create(
        organization=northbridge,
        protocol=IdentityProvider.Protocol.SAML,
        slug=SAML_SLUG,
        button_label="Northbridge staff (SAML)",
        metadata_url=f"{saml_provider.url}/metadata",
        membership_attribute="eduPersonAffiliation",
        membership_value="staff",
        member_role=OrganizationMembership.Role.COMMITTEE_MEMBER,
    )


def sign_in_with_oidc(page, login):
    """Through the provider's login and consent pages, as on a first visit to it."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Northbridge staff (OpenID Connect)").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def start_saml_sign_in(page, login):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Northbridge staff (SAML)").click()
    page.get_by_label("Login").fill(login)
    page.get_by_role("button", name="Sign in").click()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_login_page_offers_the_active_institutions(page, oidc_sign_in, saml_sign_in):
    IdentityProvider.objects.create(
        organization=oidc_sign_in.organization,
        protocol=IdentityProvider.Protocol.OPENID_CONNECT,
        slug="retired",
        button_label="Retired provider",
        server_url="https://retired.example.edu",
        client_id="x",
        client_secret="y",
        active=False,
    )
    page.goto("/accounts/login/")
    choices = page.get_by_role("region", name="Sign in with your institution")
    expect(choices.get_by_role("button")).to_have_text(
        ["Northbridge staff (OpenID Connect)", "Northbridge staff (SAML)"]
    )
    assert_no_axe_violations(page)
    # Reached by keyboard, after the password form's own controls.
    page.get_by_role("button", name="Log in").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(choices.get_by_role("button").first).to_be_focused()


def test_oidc_first_sign_in_makes_the_account_and_the_second_finds_it(page, oidc_sign_in):
    sign_in_with_oidc(page, "ada")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    user = User.objects.get(email="ada.lovelace@northbridge.edu")
    assert user.username == "ada.lovelace"
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.has_usable_password()
    assert list(user.organization_memberships.values_list("organization__slug", "role")) == [
        ("northbridge", "program_manager")
    ]

    # The provider remembers her: it sends her straight back.
    log_out(page)
    page.get_by_role("button", name="Northbridge staff (OpenID Connect)").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.filter(email="ada.lovelace@northbridge.edu").count() == 1
    assert user.organization_memberships.count() == 1


def test_oidc_verified_address_signs_in_to_the_local_account_that_has_it(page, oidc_sign_in):
    local = UserFactory(username="ghopper", email="Grace.Hopper@example.org")
    sign_in_with_oidc(page, "grace")
    expect(page.get_by_role("link", name=local.get_full_name() or "ghopper")).to_be_visible()
    assert local.socialaccount_set.get().provider == OIDC_SLUG
    assert User.objects.filter(email__iexact="grace.hopper@example.org").count() == 1
    # example.org is none of Northbridge's domains.
    assert not local.organization_memberships.exists()


def test_oidc_sign_in_to_a_deactivated_account_is_refused(page, oidc_sign_in):
    local = UserFactory(username="ghopper", email="grace.hopper@example.org", is_active=False)
    sign_in_with_oidc(page, "grace")
    expect(page.get_by_text("Your account here has been deactivated")).to_be_visible()
    assert not local.socialaccount_set.exists()


def test_oidc_sign_in_without_an_address_is_refused(page, oidc_sign_in):
    sign_in_with_oidc(page, "anonymous")
    expect(page.get_by_text("did not tell us your e-mail address")).to_be_visible()
    assert not User.objects.filter(first_name="Anne").exists()


def test_oidc_unverified_address_does_not_reach_the_local_account_that_has_it(page, oidc_sign_in):
    local = UserFactory(username="owner.local", email="owner.local@example.org")
    sign_in_with_oidc(page, "mallory")
    expect(page.get_by_role("heading", name=re.compile("We could not sign you in"))).to_be_visible()
    expect(page.get_by_text("did not confirm that this address is yours")).to_be_visible()
    assert_no_axe_violations(page)
    assert not local.socialaccount_set.exists()
    assert User.objects.filter(email__iexact="owner.local@example.org").count() == 1
    page.goto("/plans/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_saml_first_sign_in_makes_the_account_and_the_second_finds_it(page, saml_sign_in):
    start_saml_sign_in(page, "ben")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    user = User.objects.get(email="ben.franklin@example.net")
    assert user.username == "ben.franklin"
    assert list(user.organization_memberships.values_list("organization__slug", "role")) == [
        ("northbridge", "committee_member")
    ]

    log_out(page)
    start_saml_sign_in(page, "ben")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert User.objects.filter(email="ben.franklin@example.net").count() == 1


def rewrite_saml_response(route, change):
    """Hands the assertion consumer service the IdP's response as `change` made it."""
    form = parse_qs(route.request.post_data)
    response_xml = change(decoded(form["SAMLResponse"][0]))
    form["SAMLResponse"] = [encoded(response_xml)]
    route.continue_(
        post_data=urlencode({name: values[0] for name, values in form.items()}),
    )


def test_saml_assertion_changed_on_its_way_is_refused(page, saml_sign_in, caplog):
    def other_address(xml):
        assert "ben.franklin@example.net" in xml
        return xml.replace("ben.franklin@example.net", "someone.else@example.net")

    page.route(ACS, lambda route: rewrite_saml_response(route, other_address))
    start_saml_sign_in(page, "ben")
    expect(page.get_by_role("heading", name=re.compile("could not be completed"))).to_be_visible()
    assert_no_axe_violations(page)
    assert "Signature validation failed" in caplog.text
    assert not User.objects.filter(email__endswith="@example.net").exists()


def resigned(xml, signing_key, issued_at=None):
    """The response with its assertion signed again with the IdP's key, as the IdP would
    have signed it; issued at `issued_at` (valid for five minutes from then) if given."""
    response = etree.fromstring(xml.encode())
    assertion = response.find("saml:Assertion", SAML_NS)
    assertion.remove(assertion.find("ds:Signature", SAML_NS))
    if issued_at is not None:
        times = {
            "IssueInstant": issued_at,
            "AuthnInstant": issued_at,
            "NotBefore": issued_at,
            "NotOnOrAfter": issued_at + datetime.timedelta(minutes=5),
        }
        for element in assertion.iter():
            for attribute, value in times.items():
                if attribute in element.attrib:
                    element.set(attribute, value.strftime("%Y-%m-%dT%H:%M:%SZ"))
    signed = OneLogin_Saml2_Utils.add_sign(
        etree.tostring(assertion), signing_key.key_pem, signing_key.cert_pem
    )
    response.replace(assertion, etree.fromstring(signed))
    return etree.tostring(response).decode()


def test_saml_assertion_signed_again_with_the_idp_key_is_accepted(
    page,
    saml_sign_in,
    saml_signing_key,  # noqa: F811
):
    """The check on the forging below: what it signs, the site takes."""
    page.route(
        ACS, lambda route: rewrite_saml_response(route, lambda xml: resigned(xml, saml_signing_key))
    )
    start_saml_sign_in(page, "ben")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_saml_expired_assertion_is_refused_though_signed_by_the_idp(
    page,
    saml_sign_in,
    saml_signing_key,  # noqa: F811
    caplog,
):
    an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    page.route(
        ACS,
        lambda route: rewrite_saml_response(
            route, lambda xml: resigned(xml, saml_signing_key, issued_at=an_hour_ago)
        ),
    )
    start_saml_sign_in(page, "ben")
    expect(page.get_by_role("heading", name=re.compile("could not be completed"))).to_be_visible()
    assert "Could not validate timestamp: expired" in caplog.text
    assert not User.objects.filter(email="ben.franklin@example.net").exists()
