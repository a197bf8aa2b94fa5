import pytest

from microcred.organizations.models import OrganizationMembership
from tests.factories import UserFactory, add_to_organization


@pytest.fixture
def outsider(db):
    """Outside the plans imported or copied here, and a program manager of another
    organization, where what they import or copy goes."""
    user = UserFactory(username="outsider", first_name="Otto", last_name="Outsider")
    add_to_organization(user, OrganizationMembership.Role.PROGRAM_MANAGER, "Southgate College")
    return user
