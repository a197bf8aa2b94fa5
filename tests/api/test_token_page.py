"""The API tokens page: each user lists, creates and revokes their own tokens; a new
token's secret is shown once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.api.models import ApiToken
from microcred.api.services import hash_secret
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db

TOKENS = reverse("api:tokens")
CREATED = reverse("api:token_created")


def form_data(**changes):
    expires_on = timezone.localdate() + timedelta(days=30)
    return {"name": "Report script", "scope": "read", "expires_on": expires_on, **changes}


def test_a_new_tokens_secret_is_shown_once(client, owner):
    client.force_login(owner)
    response = client.post(TOKENS, form_data())
    assert response.status_code == 302
    assert response["Location"] == CREATED
    page = client.get(CREATED)
    assert page.status_code == 200
    secret = page.context["secret"]
    token = ApiToken.objects.get(user=owner)
    assert token.key_hash == hash_secret(secret)
    assert secret in page.content.decode()
    assert token.name == "Report script"
    assert token.scope == ApiToken.Scope.READ
    assert token.expires_at.date() == timezone.localdate() + timedelta(days=30)
    again = client.get(CREATED)
    assert again.status_code == 302
    assert secret not in client.get(TOKENS).content.decode()


def test_the_page_lists_only_ones_own_tokens(client, owner, outsider):
    make_token(owner, name="Mine")
    make_token(outsider, name="Theirs")
    client.force_login(owner)
    page = client.get(TOKENS).content.decode()
    assert "Mine" in page
    assert "Theirs" not in page


def test_a_token_is_revoked_from_the_page(client, owner):
    token = make_token(owner).token
    client.force_login(owner)
    response = client.post(reverse("api:token_revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in client.get(TOKENS).content.decode()


def test_another_users_token_is_not_revoked(client, owner, outsider):
    token = make_token(owner).token
    client.force_login(outsider)
    response = client.post(reverse("api:token_revoke", kwargs={"token_id": token.pk}))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_name_is_escaped(client, owner):
    make_token(owner, name="<script>alert(1)</script>")
    client.force_login(owner)
    page = client.get(TOKENS).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"scope": "admin"}, "scope", "Select a valid choice."),
        ({"expires_on": timezone.localdate()}, "expires_on", "Choose a day after today."),
        (
            {"expires_on": timezone.localdate() + timedelta(days=366)},
            "expires_on",
            "Choose a day at most a year from today",
        ),
    ],
)
def test_bad_input_is_a_400_with_the_error_beside_its_field(client, owner, changes, field, message):
    client.force_login(owner)
    response = client.post(TOKENS, form_data(**changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert f'id="error_1_id_{field}"' in page or f"id_{field}" in page
    assert not ApiToken.objects.exists()


def test_an_empty_post_is_a_400_too(client, owner):
    client.force_login(owner)
    assert client.post(TOKENS).status_code == 400


def test_the_form_has_labels_for_its_fields(client, owner):
    client.force_login(owner)
    page = client.get(TOKENS).content.decode()
    for field in ("name", "expires_on"):
        assert f'for="id_{field}"' in page


def test_the_user_menu_leads_to_the_page(client, owner):
    client.force_login(owner)
    assert f'href="{TOKENS}"' in client.get(reverse("plans:list")).content.decode()
