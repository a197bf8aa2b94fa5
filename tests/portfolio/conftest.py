"""The portfolio tests' organization, its admin and its plans."""

import datetime

import pytest
from django.utils import timezone

from microcred.organizations.models import OrganizationMembership
from tests.factories import PlanFactory, UserFactory, add_to_organization

from .helpers import ORGANIZATION, add_business_case


@pytest.fixture
def org_admin(db):
    user = UserFactory(username="orgadmin", first_name="Ada", last_name="Admin")
    add_to_organization(user, OrganizationMembership.Role.ADMIN, ORGANIZATION)
    return user


@pytest.fixture
def organization(org_admin):
    return org_admin.organization_memberships.get().organization


@pytest.fixture
def make_plans(template_version):
    """`make(count, **plan fields)`: that many plans of ORGANIZATION, each with a
    business case and a review cycle."""

    def make(count: int, organization: str = ORGANIZATION, **fields):
        plans = []
        for _ in range(count):
            plan = PlanFactory(
                organization=organization, template_version=template_version, **fields
            )
            plans.append(
                add_business_case(plan, review_due=timezone.localdate() + datetime.timedelta(30))
            )
        return plans

    return make
