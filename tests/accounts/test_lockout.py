"""Login throttling with django-axes, for real: the login form, the database handler.

A username is locked for the address the wrong passwords came from, never for everyone;
an address with many failures, whatever the usernames, is paused without locking any
account."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum
from django.shortcuts import resolve_url
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOCKED = (
    "Logging in as owner from your network address is blocked for 15 minutes: there were "
    "5 wrong passwords for this username from it. The wait counts from the last of them; "
    "trying again meanwhile does not extend it. From anywhere else, logging in as owner "
    "works as usual."
)
PAUSED = (
    "Logins from your network address are paused: there were 30 wrong passwords from it "
    "within 15 minutes, for whatever usernames. No account is locked: logging in from "
    "anywhere else works as usual. From here it works again at most 15 minutes after the "
    "last wrong password; trying again meanwhile does not extend the wait."
)
SPRAYED = [f"user{n:02}" for n in range(30)]


def landing():
    """Where a successful login leads."""
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def log_in(client, password, username="owner", address="127.0.0.1", **fields):
    return client.post(
        reverse("login"),
        {"username": username, "password": password, **fields},
        REMOTE_ADDR=address,
    )


def fail(client, times, **kwargs):
    for _ in range(times):
        assert log_in(client, "wrong-password", **kwargs).status_code == 200


def lock_out(client, **kwargs):
    """Four wrong passwords are answered by the form; the fifth by the lockout page."""
    fail(client, 4, **kwargs)
    assert log_in(client, "wrong-password", **kwargs).status_code == 429


def spray(client, names=SPRAYED, address="10.0.0.1"):
    """A wrong password for each of many usernames, from one address."""
    for name in names:
        fail(client, 1, username=name, address=address)


def failures_recorded():
    return AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"]


def test_five_wrong_passwords_lock_out_even_the_right_one(client, owner, password):
    lock_out(client)
    response = log_in(client, password)
    assert response.status_code == 429
    content = response.content.decode()
    assert LOCKED in content
    assert '<a href="/accounts/password/reset/">reset your password</a>' in content
    assert "_auth_user_id" not in client.session


def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out_elsewhere(client, owner, password):
    """Locked by username alone, anyone could keep a colleague out for as long as they
    liked."""
    lock_out(client, address="203.0.113.66")
    assert log_in(client, password, address="203.0.113.66").status_code == 429
    assert log_in(client, password, address="203.0.113.7")["Location"] == landing()


def test_wrong_passwords_for_one_username_from_many_addresses_lock_nothing(client, owner, password):
    for n in range(1, 10):
        fail(client, 1, address=f"10.0.0.{n}")
    assert log_in(client, password, address="10.0.0.10")["Location"] == landing()


def test_attempts_during_a_lockout_neither_extend_it_nor_grow_its_record(client, owner, password):
    """Each further attempt restarted the 15 minutes and appended its form to one row:
    100 attempts made 101,588 characters."""
    padding = "x" * 1000
    for _ in range(5):
        log_in(client, "wrong-password", padding=padding)
    locked_at = AccessAttempt.objects.get().attempt_time
    for _ in range(100):
        assert log_in(client, "wrong-password", padding=padding).status_code == 429
    attempt = AccessAttempt.objects.get()
    assert (attempt.failures_since_start, attempt.attempt_time) == (5, locked_at)
    assert attempt.post_data.count("\n---------\n") == 4
    assert len(attempt.post_data) <= 5 * 1024 + 4 * len("\n---------\n")
    AccessAttempt.objects.update(attempt_time=locked_at - timedelta(minutes=16))
    assert log_in(client, password)["Location"] == landing()


def test_the_form_is_recorded_without_its_secrets(client, owner):
    log_in(client, "wrong-password", csrfmiddlewaretoken="a-secret-csrf-token")
    assert AccessAttempt.objects.get().post_data == (
        "username=********************\n"
        "password=********************\n"
        "csrfmiddlewaretoken=********************"
    )


def test_many_usernames_from_one_address_pause_its_logins_without_locking_them(
    client, owner, editor, password
):
    spray(client)
    response = log_in(client, password, username="editor", address="10.0.0.1")
    assert response.status_code == 429
    content = response.content.decode()
    assert '<h1 class="h3 mb-3">Too many failed logins from your network address</h1>' in content
    assert PAUSED in content
    # Refused before the password is checked: not recorded, and no username is locked.
    for _ in range(10):
        assert log_in(client, "wrong-password", address="10.0.0.1").status_code == 429
    assert failures_recorded() == 30
    assert log_in(client, password, username="editor", address="10.0.0.2")["Location"] == (
        landing()
    )
    assert log_in(client, password, address="10.0.0.3")["Location"] == landing()


def test_the_pause_also_covers_the_admin_login(client, superuser, password):
    spray(client)
    response = client.post(
        reverse("admin:login"),
        {"username": "root", "password": password},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert PAUSED in response.content.decode()


def test_a_success_does_not_clear_the_count(client, owner, editor, password):
    """Otherwise an attacker with an account of their own could spray 29 passwords, log
    in, and spray 29 more, for ever."""
    spray(client, SPRAYED[:29])
    assert log_in(client, password, username="editor", address="10.0.0.1")["Location"] == (
        landing()
    )
    client.logout()
    fail(client, 1, username="fay", address="10.0.0.1")
    response = log_in(client, "wrong-password", username="gus", address="10.0.0.1")
    assert response.status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, owner, password):
    lock_out(client)
    assert log_in(client, password).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, password)["Location"] == landing()


def test_the_pause_ends_after_the_cool_off(client, owner, password):
    spray(client)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, password, address="10.0.0.1")["Location"] == landing()


def test_an_admin_lifts_a_lockout_by_username(client, owner, password):
    lock_out(client, address="10.0.0.1")
    call_command("axes_reset_username", "owner")
    assert log_in(client, password, address="10.0.0.1")["Location"] == landing()


def test_an_admin_lifts_a_pause_by_address(client, owner, password):
    spray(client)
    call_command("axes_reset_ip", "10.0.0.1")
    assert log_in(client, password, address="10.0.0.1")["Location"] == landing()


def test_a_password_reset_lifts_the_username_lockout(client, owner):
    lock_out(client, address="10.0.0.1")
    client.post(reverse("password_reset"), {"email": "owner@example.org"}, REMOTE_ADDR="10.0.0.1")
    link = re.search(r"/accounts/password/reset/\S+", mail.outbox[-1].body).group(0)
    form_url = client.get(link)["Location"]
    client.post(
        form_url, {"new_password1": "fresh-passphrase-42", "new_password2": "fresh-passphrase-42"}
    )
    assert log_in(client, "fresh-passphrase-42", address="10.0.0.1")["Location"] == landing()
