"""Login throttling with django-axes, for real: the login form, the database handler."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCKED = (
    "Logging in as owner is blocked for 15 minutes: there were 5 wrong passwords for this "
    "username, or from your network address. Each new attempt in that time starts the wait "
    "again."
)


def landing():
    """Where a successful login leads."""
    return resolve_url(settings.LOGIN_REDIRECT_URL)


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


def lock_out_username(client, username="owner"):
    """Five wrong passwords for the username, each from another address."""
    for n in range(1, 5):
        fail(client, 1, username=username, address=f"10.0.0.{n}")
    assert log_in(client, "wrong-password", username=username, address="10.0.0.5").status_code == (
        429
    )


def lock_out_address(client, address="10.0.0.1"):
    """Five wrong passwords from the address, each for another username."""
    for name in ("anna", "ben", "cleo", "dan"):
        fail(client, 1, username=name, address=address)
    assert log_in(client, "wrong-password", username="eve", address=address).status_code == 429


def test_five_wrong_passwords_lock_out_even_the_right_one(client, owner, password):
    lock_out(client)
    response = log_in(client, password)
    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED in content
    assert '<a href="/accounts/password/reset/">reset your password</a>' in content
    assert "_auth_user_id" not in client.session


def test_five_failures_for_one_username_from_different_addresses_lock_that_username(
    client, owner, editor, password
):
    lock_out_username(client)
    # From an address that never failed, the right password is refused too.
    assert log_in(client, password, address="10.0.0.9").status_code == 429
    # The addresses are not locked: each saw one failure.
    assert log_in(client, password, username="editor", address="10.0.0.1")["Location"] == (
        landing()
    )


def test_five_failures_over_different_usernames_from_one_address_lock_that_address(
    client, owner, editor, password
):
    lock_out_address(client)
    # Any username, even with its right password, is refused from that address...
    assert log_in(client, password, username="editor", address="10.0.0.1").status_code == 429
    # ...and logs in from elsewhere.
    assert log_in(client, password, username="editor", address="10.0.0.2")["Location"] == (
        landing()
    )


def test_a_success_does_not_clear_the_count(client, owner, editor, password):
    """Otherwise an attacker with an account of their own could spray four passwords, log
    in, and spray four more, for ever."""
    for name in ("anna", "ben", "cleo", "dan"):
        fail(client, 1, username=name)
    assert log_in(client, password, username="editor")["Location"] == landing()
    client.logout()
    assert log_in(client, "wrong-password", username="fay").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, owner, password):
    lock_out(client)
    assert log_in(client, password).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, password)["Location"] == landing()


def test_an_admin_lifts_a_lockout_by_username(client, owner, password):
    lock_out_username(client)
    call_command("axes_reset_username", "owner")
    assert log_in(client, password, address="10.0.0.9")["Location"] == landing()


def test_an_admin_lifts_a_lockout_by_address(client, owner, password):
    lock_out_address(client)
    call_command("axes_reset_ip", "10.0.0.1")
    assert log_in(client, password, address="10.0.0.1")["Location"] == landing()


def test_a_password_reset_lifts_the_username_lockout(client, owner):
    lock_out_username(client)
    client.post(reverse("password_reset"), {"email": "owner@example.org"})
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(
        form_url, {"new_password1": "fresh-passphrase-42", "new_password2": "fresh-passphrase-42"}
    )
    assert log_in(client, "fresh-passphrase-42", address="10.0.0.9")["Location"] == landing()
