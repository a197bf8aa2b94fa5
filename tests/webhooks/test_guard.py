"""The signature a receiver checks, and the SSRF guard: only https:// to public addresses,
unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES."""

import hashlib
import hmac

import pytest

from microcred.webhooks.addresses import RefusedAddress, check_url
from microcred.webhooks.signing import new_secret, signature, signature_matches

SECRET = "whsec_test-secret"


def test_the_signature_is_the_hex_hmac_sha256_of_the_timestamp_and_body():
    body = b'{"id":"1","type":"webhook.test"}'
    expected = hmac.new(SECRET.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature(secret=SECRET, timestamp=1700000000, body=body) == f"v1={expected}"


def test_a_changed_body_timestamp_or_secret_does_not_match():
    body = b'{"a":1}'
    header = signature(secret=SECRET, timestamp=1700000000, body=body)
    assert signature_matches(secret=SECRET, timestamp=1700000000, body=body, header=header)
    assert signature_matches(
        secret=SECRET, timestamp=1700000000, body=body, header=f"v1=00 {header}"
    )
    assert not signature_matches(
        secret=SECRET, timestamp=1700000000, body=b'{"a":2}', header=header
    )
    assert not signature_matches(secret=SECRET, timestamp=1700000001, body=body, header=header)
    assert not signature_matches(
        secret="whsec_other", timestamp=1700000000, body=body, header=header
    )


def test_each_secret_is_new():
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and len(first) > 40
    assert first != second


NON_PUBLIC = [
    "https://127.0.0.1/hook",
    "https://localhost:8443/hook",
    "https://[::1]/hook",
    "https://10.1.2.3/hook",
    "https://192.168.0.10/hook",
    "https://172.16.5.4/hook",
    "https://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
    "https://[fe80::1]/hook",
    "https://224.0.0.1/hook",
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",
    "https://240.0.0.1/hook",
    "https://[::ffff:127.0.0.1]/hook",
]


@pytest.mark.parametrize("url", NON_PUBLIC)
def test_private_loopback_and_other_non_public_addresses_are_refused(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(RefusedAddress, match="webhooks are only sent to public addresses"):
        check_url(url)


@pytest.mark.parametrize("url", NON_PUBLIC[:4])
def test_the_setting_allows_them_for_tests_and_development(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert check_url(url).ip in {"127.0.0.1", "::1", "10.1.2.3"}


def test_plain_http_only_with_the_setting(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(RefusedAddress, match="Use an https:// address"):
        check_url("http://93.184.216.34/hook")
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert check_url("http://127.0.0.1:8080/hook").port == 8080


def test_a_public_address_is_checked_for_where_it_is_sent(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    checked = check_url("https://93.184.216.34/hooks/in?plan=1")
    assert (checked.scheme, checked.host, checked.port, checked.ip, checked.path) == (
        "https",
        "93.184.216.34",
        443,
        "93.184.216.34",
        "/hooks/in?plan=1",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://93.184.216.34/", "Use an https:// address"),
        ("https://user:pw@93.184.216.34/", "Leave the user name and password out"),
        ("https:///nohost", "Enter a valid URL."),
        ("https://93.184.216.34:99999/", "Enter a valid URL."),
    ],
)
def test_malformed_addresses_are_refused(url, message, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(RefusedAddress, match=message):
        check_url(url)
