"""Personal access tokens: kept hashed, refused when expired, revoked or unknown, with a
read-only scope that refuses writes, and their last use noted at most once a minute."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.api.models import ApiToken
from microcred.api.services import revoke_token, token_for_secret
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db

PLANS = reverse("api:plan_list")


def test_only_a_hash_of_the_secret_is_kept(owner):
    new = make_token(owner)
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert new.secret not in str(ApiToken.objects.values().get())
    assert new.secret.startswith(token.prefix)
    assert token_for_secret(new.secret) == token


def test_two_tokens_have_different_secrets(owner):
    assert make_token(owner).secret != make_token(owner).secret


def test_a_token_expires_90_days_after_it_is_made_by_default(owner):
    token = ApiToken.objects.create(user=owner, name="x", prefix="mcp_x", key_hash="0" * 64)
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)


def test_a_bearer_token_authenticates(as_bearer, owner):
    response = as_bearer(owner).get(PLANS)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer mcp_not-a-token", "Invalid token."),
        ("Bearer", "The Authorization header should be: Bearer <token>."),
        ("Bearer a b", "The Authorization header should be: Bearer <token>."),
    ],
)
def test_an_unknown_or_malformed_token_is_a_401(api_client, header, message):
    response = api_client.get(PLANS, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": message}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_credentials_is_a_401_that_names_bearer(api_client):
    response = api_client.get(PLANS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_expired_token_is_a_401(as_bearer, owner):
    client = as_bearer(owner)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(PLANS)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired."}


def test_a_revoked_token_is_a_401(as_bearer, owner):
    client = as_bearer(owner)
    assert revoke_token(user=owner, token_id=ApiToken.objects.get().pk)
    response = client.get(PLANS)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked."}


def test_only_its_user_revokes_a_token(owner, outsider):
    token = make_token(owner).token
    assert not revoke_token(user=outsider, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_of_a_deactivated_user_is_a_401(as_bearer, owner):
    client = as_bearer(owner)
    owner.is_active = False
    owner.save()
    assert client.get(PLANS).status_code == 401


def test_a_read_only_token_is_refused_on_a_write(as_bearer, owner):
    response = as_bearer(owner).post(PLANS, {})
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only."}


def test_a_read_write_token_may_write_where_writing_is_allowed(as_bearer, owner):
    # Past the scope check, the data is checked.
    response = as_bearer(owner, scope=ApiToken.Scope.READ_WRITE).post(PLANS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"title", "organization"}


def test_the_last_use_is_noted_at_most_once_a_minute(as_bearer, owner):
    client = as_bearer(owner)
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    client.get(PLANS)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get(PLANS)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.update(last_used_at=first_use - timedelta(minutes=1))
    client.get(PLANS)
    token.refresh_from_db()
    assert token.last_used_at > first_use
