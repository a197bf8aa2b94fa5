from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from microcred.api.models import ApiToken
from microcred.api.services import create_token


def make_token(user, *, scope=ApiToken.Scope.READ, days=30, name="Script"):
    return create_token(
        user=user, name=name, scope=scope, expires_at=timezone.now() + timedelta(days=days)
    )


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def as_bearer(api_client):
    """An API client that sends a new read-only token of the user (or the given one)."""

    def authenticate(user, **token_options):
        new = make_token(user, **token_options)
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
        return api_client

    return authenticate
