"""Login throttling with django-axes, for real: the login form, the database handler."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCKED = (
    "After 5 wrong passwords for owner, logging in from here is blocked for 15 minutes. "
    "Each new attempt in that time starts the wait again."
)


def log_in(client, password, username="owner", address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, times, **kwargs):
    for _ in range(times):
        assert log_in(client, "wrong-password", **kwargs).status_code == 200


def lock_out(client, **kwargs):
    """Four wrong passwords are answered by the form; the fifth by the lockout page."""
    fail(client, 4, **kwargs)
    assert log_in(client, "wrong-password", **kwargs).status_code == 429


def test_five_wrong_passwords_lock_out_even_the_right_one(client, owner, password):
    lock_out(client)
    response = log_in(client, password)
    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED in content
    assert '<a href="/accounts/password/reset/">reset your password</a>' in content
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_starts_the_count_again(client, owner, password):
    fail(client, 4)
    assert log_in(client, password)["Location"] == reverse("plans:list")
    client.logout()
    fail(client, 4)
    assert log_in(client, password)["Location"] == reverse("plans:list")


def test_the_lockout_is_per_username_and_address(client, owner, editor, password):
    lock_out(client)
    # From elsewhere the owner still logs in: a stranger cannot lock them out.
    assert log_in(client, password, address="10.0.0.9")["Location"] == reverse("plans:list")
    client.logout()
    # Colleagues behind the same address are not locked out either.
    assert log_in(client, password, username="editor")["Location"] == reverse("plans:list")


def test_the_lockout_ends_after_the_cool_off(client, owner, password):
    lock_out(client)
    assert log_in(client, password).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, password)["Location"] == reverse("plans:list")


def test_an_admin_lifts_a_lockout_by_username(client, owner, password):
    lock_out(client)
    call_command("axes_reset_username", "owner")
    assert log_in(client, password)["Location"] == reverse("plans:list")


def test_a_password_reset_lifts_the_lockout(client, owner):
    lock_out(client)
    client.post(reverse("password_reset"), {"email": "owner@example.org"})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(
        form_url, {"new_password1": "fresh-passphrase-42", "new_password2": "fresh-passphrase-42"}
    )
    assert log_in(client, "fresh-passphrase-42")["Location"] == reverse("plans:list")
