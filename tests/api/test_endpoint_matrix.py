"""Every endpoint and method of the API against every persona (tests/api/matrix), as
tests/test_permissions.py does for the pages."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from microcred.api.models import ApiToken
from microcred.organizations.models import OrganizationMembership
from tests.factories import add_to_organization

from .conftest import make_token
from .matrix import PERSONAS, gather

ENTRIES = gather()
METHODS = ("get", "post", "put", "patch", "delete")


def test_every_endpoint_has_an_entry():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    described = {
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method in operations
        if method in METHODS
    }
    assert described - set(ENTRIES) == set(), "Add these endpoints to tests/api/matrix"
    assert set(ENTRIES) - described == set(), "The matrix names endpoints the schema lacks"


@pytest.fixture
def people(plan, owner, editor, viewer, reviewer, outsider):
    add_to_organization(outsider, OrganizationMembership.Role.PROGRAM_MANAGER, "Southgate College")
    return {
        "stranger": outsider,
        "viewer": viewer,
        "editor": editor,
        "reviewer": reviewer,
        "owner": owner,
        "read_only": owner,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", list(ENTRIES))
def test_endpoint_matrix(api_client, plan, people, key, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    method, _path = key.split(" ", 1)
    entry = ENTRIES[key]
    request = entry.request(plan, people)
    if persona != "anonymous":
        scope = ApiToken.Scope.READ if persona == "read_only" else ApiToken.Scope.READ_WRITE
        secret = make_token(people[persona], scope=scope).secret
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = getattr(api_client, method.lower())(
        request.url, request.body, format="json", headers=request.headers
    )
    assert response.status_code == entry.expected[persona], (
        f"{persona} {key}: {response.content[:300]!r}"
    )
