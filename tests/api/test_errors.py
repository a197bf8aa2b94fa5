"""Every error of the API has one shape: {"detail": ...}."""

import pytest
from django.test import Client
from django.urls import reverse

from microcred.api.models import ApiToken

pytestmark = pytest.mark.django_db

PLANS = reverse("api:plan_list")


def throttle_at(settings, rate):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": rate}}


def test_too_many_requests_is_a_429_in_the_same_shape(as_bearer, owner, settings):
    throttle_at(settings, "2/minute")
    client = as_bearer(owner)
    assert [client.get(PLANS).status_code for _ in range(2)] == [200, 200]
    response = client.get(PLANS)
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}
    assert int(response["Retry-After"]) > 0


def test_the_throttle_counts_a_users_tokens_together(as_bearer, owner, settings):
    throttle_at(settings, "1/minute")
    assert as_bearer(owner).get(PLANS).status_code == 200
    assert as_bearer(owner).get(PLANS).status_code == 429


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_anonymous_errors_share_the_shape(api_client, method):
    response = getattr(api_client, method)(PLANS)
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_method_not_taken_is_a_405_in_the_same_shape(as_bearer, owner, method):
    response = getattr(as_bearer(owner, scope=ApiToken.Scope.READ_WRITE), method)(PLANS)
    assert response.status_code == 405
    assert set(response.json()) == {"detail"}


def test_a_session_write_without_its_csrf_token_is_a_403_in_the_same_shape(db, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.delete(PLANS)
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/plans/not-a-number/"])
def test_an_unknown_api_address_is_a_404_in_the_same_shape(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint."}


@pytest.mark.parametrize("path", ["nothing/here/", "plans/1/records/%0Aline/", "%0A"])
def test_an_unknown_endpoint_is_a_404_in_the_same_shape(as_bearer, owner, path):
    response = as_bearer(owner).get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such endpoint."}
