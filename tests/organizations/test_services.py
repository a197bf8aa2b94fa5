"""The services behind an organization's people page and settings: who can be added, which
roles can go, and which e-mail domains an organization may claim."""

import pytest
from django.core.exceptions import ValidationError

from microcred.organizations.models import EmailDomain, Organization, OrganizationMembership
from microcred.organizations.selectors import (
    administers,
    organizations_of,
    people_of,
)
from microcred.organizations.services import (
    LAST_ADMIN,
    NO_ACCOUNT,
    add_person,
    give_role,
    remove_person,
    remove_role,
    update_organization_settings,
)
from tests.factories import UserFactory, add_to_organization

pytestmark = pytest.mark.django_db

Role = OrganizationMembership.Role


def roles_of(user, organization):
    return set(
        OrganizationMembership.objects.filter(organization=organization, user=user).values_list(
            "role", flat=True
        )
    )


def messages_of(error):
    return " ".join(error.value.messages)


def test_a_person_is_added_by_the_address_of_their_account(northbridge, outsider):
    membership = add_person(
        organization=northbridge, email="  OUTSIDER@example.org ", role=Role.COMMITTEE_MEMBER
    )
    assert membership.user == outsider
    assert roles_of(outsider, northbridge) == {Role.COMMITTEE_MEMBER}
    # Again: kept, not doubled.
    add_person(organization=northbridge, email=outsider.email, role=Role.COMMITTEE_MEMBER)
    assert OrganizationMembership.objects.filter(user=outsider).count() == 1


def test_an_address_without_an_account_is_refused_in_the_same_words_whoever_has_it(
    northbridge, outsider
):
    add_to_organization(outsider, Role.ADMIN, name="Elsewhere College")
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    refusals = []
    for email in ["nobody@example.org", "gone@example.org"]:
        with pytest.raises(ValidationError) as error:
            add_person(organization=northbridge, email=email, role=Role.ADMIN)
        assert error.value.message_dict == {"email": [NO_ACCOUNT]}
        refusals.append(messages_of(error))
    assert refusals[0] == refusals[1]
    assert "Elsewhere" not in NO_ACCOUNT
    assert not OrganizationMembership.objects.filter(
        organization=northbridge, role=Role.ADMIN
    ).exists()


def test_two_accounts_with_one_address_are_refused(northbridge):
    UserFactory(username="twin1", email="twin@example.org")
    UserFactory(username="twin2", email="Twin@example.org")
    with pytest.raises(ValidationError):
        add_person(organization=northbridge, email="twin@example.org", role=Role.ADMIN)
    assert not OrganizationMembership.objects.filter(user__username__startswith="twin").exists()


def test_a_role_is_given_only_to_a_member(northbridge, owner, outsider):
    give_role(organization=northbridge, user_id=owner.pk, role=Role.ADMIN)
    assert roles_of(owner, northbridge) == {Role.PROGRAM_MANAGER, Role.ADMIN}
    with pytest.raises(ValidationError):
        give_role(organization=northbridge, user_id=outsider.pk, role=Role.ADMIN)
    assert roles_of(outsider, northbridge) == set()


def test_the_last_role_taken_the_person_leaves(northbridge, owner, reviewer):
    remove_role(organization=northbridge, user_id=reviewer.pk, role=Role.COMMITTEE_MEMBER)
    assert roles_of(reviewer, northbridge) == set()
    with pytest.raises(ValidationError):
        remove_role(organization=northbridge, user_id=owner.pk, role=Role.ADMIN)


def test_the_last_admin_keeps_the_role_and_stays(northbridge, admin, owner):
    with pytest.raises(ValidationError) as error:
        remove_role(organization=northbridge, user_id=admin.pk, role=Role.ADMIN)
    assert error.value.message_dict == {"role": [LAST_ADMIN]}
    with pytest.raises(ValidationError) as error:
        remove_person(organization=northbridge, user_id=admin.pk)
    assert messages_of(error) == LAST_ADMIN
    assert roles_of(admin, northbridge) == {Role.ADMIN}
    # With a second admin, either may go.
    give_role(organization=northbridge, user_id=owner.pk, role=Role.ADMIN)
    remove_person(organization=northbridge, user_id=admin.pk)
    assert roles_of(admin, northbridge) == set()
    assert administers(owner, northbridge) and not administers(admin, northbridge)


def test_an_admin_with_other_roles_keeps_them_when_the_admin_role_is_refused(northbridge, admin):
    give_role(organization=northbridge, user_id=admin.pk, role=Role.COMMITTEE_MEMBER)
    remove_role(organization=northbridge, user_id=admin.pk, role=Role.COMMITTEE_MEMBER)
    assert roles_of(admin, northbridge) == {Role.ADMIN}


def test_removing_someone_outside_is_refused(northbridge, outsider):
    with pytest.raises(ValidationError):
        remove_person(organization=northbridge, user_id=outsider.pk)


def test_settings_with_e_mail_domains(northbridge):
    update_organization_settings(
        organization=northbridge,
        short_name="NBI",
        country="CA",
        default_currency="CAD",
        email_domains=["northbridge.edu", "@Staff.Northbridge.edu", "northbridge.edu"],
    )
    northbridge.refresh_from_db()
    assert (northbridge.short_name, northbridge.country.code, northbridge.default_currency) == (
        "NBI",
        "CA",
        "CAD",
    )
    assert set(northbridge.email_domains.values_list("domain", flat=True)) == {
        "northbridge.edu",
        "staff.northbridge.edu",
    }
    # Exactly those given: one kept, one gone, one new.
    update_organization_settings(
        organization=northbridge,
        short_name="NBI",
        country="CA",
        default_currency="CAD",
        email_domains=["northbridge.edu", "nbi.ca"],
    )
    assert set(northbridge.email_domains.values_list("domain", flat=True)) == {
        "northbridge.edu",
        "nbi.ca",
    }


def test_a_domain_of_another_organization_is_refused_with_nothing_saved(northbridge):
    elsewhere = Organization.objects.create(name="Elsewhere College", slug="elsewhere")
    EmailDomain.objects.create(organization=elsewhere, domain="elsewhere.edu")
    EmailDomain.objects.create(organization=northbridge, domain="northbridge.edu")
    with pytest.raises(ValidationError) as error:
        update_organization_settings(
            organization=northbridge,
            short_name="NBI",
            country="CA",
            default_currency="CAD",
            email_domains=["ELSEWHERE.edu", "nbi.ca"],
        )
    assert "elsewhere.edu" in error.value.message_dict["email_domains"][0]
    assert "Elsewhere College" not in messages_of(error)
    northbridge.refresh_from_db()
    assert northbridge.short_name == ""
    assert list(northbridge.email_domains.values_list("domain", flat=True)) == ["northbridge.edu"]
    assert list(elsewhere.email_domains.values_list("domain", flat=True)) == ["elsewhere.edu"]


def test_a_users_organizations_and_an_organizations_people(
    northbridge, admin, owner, reviewer, outsider, django_assert_num_queries
):
    give_role(organization=northbridge, user_id=owner.pk, role=Role.ADMIN)
    add_to_organization(owner, Role.COMMITTEE_MEMBER, name="Elsewhere College")
    with django_assert_num_queries(1):
        entries = organizations_of(owner)
    assert [(e.organization.name, e.role_labels) for e in entries] == [
        ("Elsewhere College", ["Committee member"]),
        ("Northbridge Institute", ["Organization admin", "Program manager"]),
    ]
    assert [e.administers for e in entries] == [False, True]
    assert organizations_of(outsider) == []
    with django_assert_num_queries(1):
        people = people_of(northbridge)
    assert [(p.user.username, p.roles) for p in people] == [
        ("ada", ["admin"]),
        ("owner", ["admin", "program_manager"]),
        ("reviewer", ["committee_member"]),
    ]
    assert people[2].roles_to_give == [
        ("admin", "Organization admin"),
        ("program_manager", "Program manager"),
    ]
