"""The organizations pages: a user's organizations; for an organization's admins (and
superusers) its people and settings. Members who are not admins are refused with a reason
(403); anyone outside gets 404, so that an organization's people are not revealed."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from microcred.organizations.models import EmailDomain, Organization, OrganizationMembership
from microcred.organizations.selectors import NOT_AN_ADMIN
from microcred.organizations.services import LAST_ADMIN, NO_ACCOUNT
from tests.factories import UserFactory, add_to_organization, organization_named

pytestmark = pytest.mark.django_db

Role = OrganizationMembership.Role
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def people_url(organization=None, slug="northbridge-institute"):
    return reverse("organizations:people", kwargs={"slug": slug})


def row_url(name, user, slug="northbridge-institute"):
    return reverse(f"organizations:{name}", kwargs={"slug": slug, "user_id": user.pk})


def settings_url(slug="northbridge-institute"):
    return reverse("organizations:settings", kwargs={"slug": slug})


def roles_of(user, organization):
    return set(
        OrganizationMembership.objects.filter(organization=organization, user=user).values_list(
            "role", flat=True
        )
    )


def memberships():
    return sorted(OrganizationMembership.objects.values_list("organization", "user", "role"))


# The list of one's organizations


def test_a_member_sees_their_organizations_and_roles(
    client, owner, northbridge, django_assert_max_num_queries
):
    add_to_organization(owner, Role.COMMITTEE_MEMBER, name="Elsewhere College")
    client.force_login(owner)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("organizations:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Northbridge Institute" in page and "Elsewhere College" in page
    assert "Program manager" in page and "Committee member" in page
    # Not an admin: no way to its people, and no navigation link.
    assert people_url() not in page
    assert 'href="/organizations/">Organizations</a>' not in page


def test_an_admin_is_led_to_the_people_page(admin_client):
    page = admin_client.get(reverse("organizations:index")).content.decode()
    assert people_url() in page
    assert settings_url() in page
    assert "Organization admin" in page
    assert ">Organizations</a>" in page  # the navigation link


def test_someone_in_no_organization_is_told_so(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("organizations:index")).content.decode()
    assert "You do not belong to any organization yet" in page


# Who sees the people page


def test_the_people_page_lists_everyone_with_their_roles(
    admin_client, owner, reviewer, django_assert_max_num_queries
):
    for number in range(5):
        add_to_organization(UserFactory(username=f"more{number}"), Role.COMMITTEE_MEMBER)
    with django_assert_max_num_queries(8):
        response = admin_client.get(people_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "People of Northbridge Institute" in page
    for name in ["Ada Admin", "Olivia Owner", "Rosa Reviewer", "more4"]:
        assert name in page
    assert (
        'Take away<span class="visually-hidden"> the role Program manager of Olivia Owner' in page
    )
    assert 'Remove<span class="visually-hidden"> Rosa Reviewer from Northbridge Institute' in page
    assert '<label class="visually-hidden" for="give-role-' in page


@pytest.mark.parametrize("url", [people_url(), settings_url()], ids=["people", "settings"])
def test_members_who_are_not_admins_are_refused_with_a_reason(client, owner, reviewer, url):
    for member in (owner, reviewer):
        client.force_login(member)
        response = client.get(url)
        assert response.status_code == 403
        assert escape(NOT_AN_ADMIN) in response.content.decode()
        assert client.post(url, {"short_name": "X", "email": "x@example.org"}).status_code == 403


@pytest.mark.parametrize("url", [people_url(), settings_url()], ids=["people", "settings"])
def test_people_outside_get_404(client, admin, outsider, url):
    add_to_organization(outsider, Role.ADMIN, name="Elsewhere College")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(row_url("person_remove", admin)).status_code == 404
    assert client.get(people_url(slug="no-such-organization")).status_code == 404
    assert OrganizationMembership.objects.filter(user=admin).exists()


def test_a_superuser_manages_any_organization(client, superuser, northbridge):
    client.force_login(superuser)
    assert client.get(people_url()).status_code == 200
    assert client.get(settings_url()).status_code == 200


def test_anonymous_people_are_sent_to_log_in(client, northbridge):
    response = client.get(people_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Adding people


def test_an_admin_adds_a_person_by_address(admin_client, outsider, northbridge):
    response = admin_client.post(
        people_url(), {"email": "Outsider@Example.org", "role": Role.COMMITTEE_MEMBER}
    )
    assert response.status_code == 302
    assert roles_of(outsider, northbridge) == {Role.COMMITTEE_MEMBER}
    page = admin_client.get(response["Location"]).content.decode()
    assert "Otto Outsider has the role Committee member in Northbridge Institute." in page


def test_an_address_without_an_account_is_refused_in_the_same_words(
    admin_client, northbridge, outsider
):
    elsewhere = add_to_organization(outsider, Role.ADMIN, name="Elsewhere College")
    EmailDomain.objects.create(organization=elsewhere, domain="elsewhere.edu")
    UserFactory(username="gone", email="gone@elsewhere.edu", is_active=False)
    before = memberships()
    errors = []
    for email in ["nobody@example.org", "someone@elsewhere.edu", "gone@elsewhere.edu"]:
        response = admin_client.post(people_url(), {"email": email, "role": Role.ADMIN})
        assert response.status_code == 400
        page = response.content.decode()
        assert escape(NO_ACCOUNT) in page
        assert "Elsewhere" not in page
        assert 'id="id_email"' in page and "is-invalid" in page
        errors.append(page.split(escape(NO_ACCOUNT))[0].count("invalid-feedback"))
    assert len(set(errors)) == 1
    assert memberships() == before


@pytest.mark.parametrize(
    "data",
    [
        {"email": "", "role": Role.ADMIN},
        {"email": SCRIPT, "role": Role.ADMIN},
        {"email": "outsider@example.org", "role": "owner"},
        {},
    ],
    ids=["no address", "script", "unknown role", "nothing"],
)
def test_bad_input_to_add_is_refused_beside_the_field(admin_client, outsider, data):
    before = memberships()
    response = admin_client.post(people_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "is-invalid" in page
    assert SCRIPT not in page
    if data.get("email") == SCRIPT:
        assert ESCAPED in page
    assert memberships() == before


# Roles and removals


def test_an_admin_gives_and_takes_a_role(admin_client, owner, northbridge):
    response = admin_client.post(row_url("person_give_role", owner), {"role": Role.ADMIN})
    assert response.status_code == 302
    assert roles_of(owner, northbridge) == {Role.PROGRAM_MANAGER, Role.ADMIN}
    response = admin_client.post(
        row_url("person_remove_role", owner), {"role": Role.PROGRAM_MANAGER}
    )
    assert response.status_code == 302
    assert roles_of(owner, northbridge) == {Role.ADMIN}
    page = admin_client.get(people_url()).content.decode()
    assert "Olivia Owner is no longer Program manager." in page


def test_the_last_role_taken_the_person_leaves(admin_client, reviewer, northbridge):
    response = admin_client.post(
        row_url("person_remove_role", reviewer), {"role": Role.COMMITTEE_MEMBER}
    )
    assert response.status_code == 302
    assert roles_of(reviewer, northbridge) == set()
    page = admin_client.get(people_url()).content.decode()
    assert "no longer in Northbridge Institute" in page


def test_an_admin_removes_a_person(admin_client, reviewer, northbridge):
    response = admin_client.post(row_url("person_remove", reviewer))
    assert response.status_code == 302
    assert roles_of(reviewer, northbridge) == set()


@pytest.mark.parametrize(
    "action,data",
    [("person_remove_role", {"role": Role.ADMIN}), ("person_remove", {})],
    ids=["admin role", "person"],
)
def test_the_last_admin_stays_with_the_reason_beside_the_form(
    admin_client, admin, northbridge, action, data
):
    before = memberships()
    response = admin_client.post(row_url(action, admin), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<div class="invalid-feedback d-block" id="refusal-{admin.pk}" role="alert">' in page
    assert escape(LAST_ADMIN) in page
    assert f'aria-describedby="refusal-{admin.pk}"' in page
    assert memberships() == before


@pytest.mark.parametrize("role", ["", "owner", SCRIPT])
def test_a_bad_role_is_refused_beside_the_form(admin_client, owner, role):
    before = memberships()
    for action in ["person_give_role", "person_remove_role"]:
        response = admin_client.post(row_url(action, owner), {"role": role})
        assert response.status_code == 400
        page = response.content.decode()
        assert f'id="refusal-{owner.pk}"' in page
        assert SCRIPT not in page
    assert memberships() == before


def test_a_person_outside_the_organization_is_not_found(admin_client, outsider):
    for action, data in [
        ("person_give_role", {"role": Role.ADMIN}),
        ("person_remove_role", {"role": Role.ADMIN}),
        ("person_remove", {}),
    ]:
        assert admin_client.post(row_url(action, outsider), data).status_code == 404
    assert not OrganizationMembership.objects.filter(user=outsider).exists()


def test_an_admin_who_gives_up_the_role_is_led_to_their_organizations(
    admin_client, admin, owner, northbridge
):
    admin_client.post(row_url("person_give_role", owner), {"role": Role.ADMIN})
    response = admin_client.post(row_url("person_remove_role", admin), {"role": Role.ADMIN})
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:index")
    assert admin_client.get(people_url()).status_code == 404


def test_a_new_admin_sees_the_navigation_link_at_once(
    client, admin, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    assert ">Organizations</a>" not in client.get(reverse("plans:list")).content.decode()
    admin_client = client.__class__()
    admin_client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(row_url("person_give_role", owner), {"role": Role.ADMIN})
    assert ">Organizations</a>" in client.get(reverse("plans:list")).content.decode()


# Settings


def test_an_admin_changes_the_settings(admin_client, northbridge, django_assert_max_num_queries):
    EmailDomain.objects.create(organization=northbridge, domain="northbridge.edu")
    with django_assert_max_num_queries(8):
        response = admin_client.get(settings_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "northbridge.edu</textarea>" in page
    response = admin_client.post(
        settings_url(),
        {
            "short_name": SCRIPT,
            "country": "CA",
            "default_currency": "CAD",
            "email_domains": "northbridge.edu\r\n@NBI.ca\r\n\r\n",
        },
    )
    assert response.status_code == 302
    northbridge.refresh_from_db()
    assert northbridge.short_name == SCRIPT
    assert northbridge.country.code == "CA" and northbridge.default_currency == "CAD"
    assert sorted(northbridge.email_domains.values_list("domain", flat=True)) == [
        "nbi.ca",
        "northbridge.edu",
    ]
    page = admin_client.get(reverse("organizations:index")).content.decode()
    assert ESCAPED in page and SCRIPT not in page


@pytest.mark.parametrize(
    "changes,field,words",
    [
        (
            {"email_domains": "elsewhere.edu"},
            "email_domains",
            "Another organization already has elsewhere.edu",
        ),
        ({"email_domains": "not a domain\n" + SCRIPT}, "email_domains", "Not a domain"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"default_currency": "ABC"}, "default_currency", "Select a valid choice"),
        ({"short_name": "x" * 41}, "short_name", "at most 40 characters"),
    ],
    ids=["claimed domain", "not a domain", "country", "currency", "short name"],
)
def test_bad_settings_are_refused_beside_the_field(
    admin_client, northbridge, changes, field, words
):
    elsewhere = Organization.objects.create(name="Elsewhere College", slug="elsewhere")
    EmailDomain.objects.create(organization=elsewhere, domain="elsewhere.edu")
    data = {"short_name": "NBI", "country": "CA", "default_currency": "CAD", "email_domains": ""}
    response = admin_client.post(settings_url(), {**data, **changes})
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert f'id="id_{field}"' in page
    assert f'id="error_1_id_{field}"' in page  # crispy's error beside the field
    assert SCRIPT not in page
    assert "Elsewhere College" not in page
    northbridge.refresh_from_db()
    assert (northbridge.short_name, northbridge.default_currency) == ("", "USD")
    assert not northbridge.email_domains.exists()


def test_names_typed_by_people_are_shown_as_text(client, superuser, outsider):
    hostile = Organization.objects.create(name=f"College {SCRIPT}", slug="college")
    outsider.first_name = SCRIPT
    outsider.save(update_fields=["first_name"])
    add_to_organization(outsider, Role.ADMIN, name=hostile.name)
    client.force_login(outsider)
    pages = [
        client.get(reverse("organizations:index")),
        client.get(people_url(slug="college")),
        client.get(settings_url(slug="college")),
    ]
    for response in pages:
        page = response.content.decode()
        assert response.status_code == 200
        assert SCRIPT not in page
        assert ESCAPED in page


def test_a_superuser_sees_every_organization_with_its_people_and_settings(
    client, superuser, owner, django_assert_max_num_queries
):
    organization_named("Southgate College")
    client.force_login(superuser)
    with django_assert_max_num_queries(5):
        page = client.get(reverse("organizations:index")).content.decode()
    assert '<h1 class="h2">Organizations</h1>' in page
    for slug in (organization_named("Northbridge Institute").slug, "southgate-college"):
        assert reverse("organizations:people", args=[slug]) in page
    assert "none (you administer the site)" in page
