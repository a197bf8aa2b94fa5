"""Whose address a login attempt counts against: the connection's, or behind reverse
proxies (TRUSTED_PROXY_COUNT) the one the first trusted proxy appended to X-Forwarded-For,
counted from the right, since everything to its left the client wrote itself."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.shortcuts import resolve_url
from django.test import RequestFactory
from django.urls import reverse

from microcred.accounts.addresses import client_address
from microcred.accounts.checks import check_trusted_proxy_count

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
SECOND_PROXY = "10.0.0.2"


def log_in(client, password, *, username="owner", remote=PROXY, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def recorded_addresses():
    return set(AccessAttempt.objects.values_list("ip_address", flat=True))


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2


def address_of(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().post("/accounts/login/", **headers))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # Reached directly: the header is the client's own, so it is ignored.
        (0, "203.0.113.7", "198.51.100.20"),
        # One proxy: the last entry is what it appended.
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1,203.0.113.7", "203.0.113.7"),
        # Two: the first proxy appended the client, the second the first proxy.
        (2, "203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        # A request that did not come through all the proxies counts as the connection.
        (1, None, "198.51.100.20"),
        (1, "", "198.51.100.20"),
        (2, "203.0.113.7", "198.51.100.20"),
        # No address where the proxy's should be: the proxies are not what was configured.
        (1, "unknown", "198.51.100.20"),
        (1, "203.0.113.7, ", "198.51.100.20"),
        # One spelling per address, so that a client cannot make a new count by respelling.
        (1, "2001:DB8:0::7", "2001:db8::7"),
        (1, "192.0.2.1, ::ffff:203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_client_address_behind_each_number_of_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert address_of("198.51.100.20", forwarded) == expected


def test_one_proxy_an_honest_header_is_recorded_as_the_client(client, owner, one_proxy):
    log_in(client, "wrong-password", forwarded="203.0.113.7")
    log_in(client, "wrong-password", username="editor", forwarded="198.51.100.9")
    assert recorded_addresses() == {"203.0.113.7", "198.51.100.9"}


def test_one_proxy_a_forged_first_entry_does_not_escape_the_lockout(client, owner, one_proxy):
    """7 of 7 attempts with a varied first entry were never locked: the first entry is
    the client's own choice."""
    for n in range(1, 5):
        response = log_in(client, "wrong-password", forwarded=f"192.0.2.{n}, 203.0.113.7")
        assert response.status_code == 200
    fifth = log_in(client, "wrong-password", forwarded="192.0.2.5, 203.0.113.7")
    assert fifth.status_code == 429
    assert recorded_addresses() == {"203.0.113.7"}


def test_one_proxy_a_strangers_failures_do_not_lock_others_out(
    client, owner, editor, password, one_proxy
):
    """Recorded as NULL, every client behind the proxy shared one count."""
    for _ in range(5):
        log_in(client, "wrong-password", forwarded="203.0.113.66")
    assert log_in(client, password, forwarded="203.0.113.66").status_code == 429
    assert log_in(client, password, forwarded="203.0.113.7")["Location"] == resolve_url(
        settings.LOGIN_REDIRECT_URL
    )


def test_two_proxies_count_the_address_the_first_one_appended(client, owner, two_proxies):
    for n in range(1, 6):
        forwarded = f"192.0.2.{n}, 203.0.113.7, {PROXY}"
        response = log_in(client, "wrong-password", remote=SECOND_PROXY, forwarded=forwarded)
    assert response.status_code == 429
    assert recorded_addresses() == {"203.0.113.7"}


def test_directly_reached_a_forged_header_is_ignored(client, owner):
    for n in range(1, 6):
        forwarded = f"192.0.2.{n}"
        response = log_in(client, "wrong-password", remote="198.51.100.20", forwarded=forwarded)
    assert response.status_code == 429
    assert recorded_addresses() == {"198.51.100.20"}


def test_without_the_setting_behind_a_proxy_made_up_names_do_not_lock_out_the_manager(
    client, owner, password
):
    """Every client then shares the proxy's address: five failures for made-up usernames
    locked everyone out, the manager with the right password too."""
    for name in ("anna", "ben", "cleo", "dan", "eve"):
        log_in(client, "wrong-password", username=name)
    assert log_in(client, password)["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)


def test_a_tls_proxy_without_trusted_proxy_count_is_warned_of(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 0
    assert check_trusted_proxy_count() == [
        CheckWarning(
            "BEHIND_TLS_PROXY is set but TRUSTED_PROXY_COUNT is 0: every client would count "
            "as the proxy's address, and share one count of failed logins and password "
            "reset requests.",
            hint="Set TRUSTED_PROXY_COUNT to the number of reverse proxies in front of the "
            "site (1 for one TLS proxy).",
            id="accounts.W001",
        )
    ]
    settings.TRUSTED_PROXY_COUNT = 1
    assert check_trusted_proxy_count() == []
