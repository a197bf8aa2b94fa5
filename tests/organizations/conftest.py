import pytest

from microcred.organizations.models import Organization, OrganizationMembership
from tests.factories import UserFactory, add_to_organization


@pytest.fixture
def northbridge(owner, reviewer):
    """The plans' organization, with the owner as its program manager and the reviewer on
    its committee."""
    return Organization.objects.get(name="Northbridge Institute")


@pytest.fixture
def admin(northbridge):
    user = UserFactory(username="ada", first_name="Ada", last_name="Admin")
    add_to_organization(user, OrganizationMembership.Role.ADMIN)
    return user
