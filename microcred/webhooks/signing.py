"""How a delivery is signed: `Webhook-Signature: v1=<hex>`, the HMAC-SHA256 under the
endpoint's secret of "<Webhook-Timestamp>.<body>", the timestamp being the Unix time of
the attempt in seconds. A receiver recomputes it over the body it read (bytes, before
parsing), compares in constant time, and refuses timestamps more than a few minutes old
(a replayed request). docs: /work/notes/webhooks-docs.md."""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SIGNATURE_VERSION = "v1"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The Webhook-Signature header's value."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signature_matches(*, secret: str, timestamp: int, body: bytes, header: str) -> bool:
    """Whether `header` (Webhook-Signature, possibly several space-separated signatures)
    holds the signature of `body` at `timestamp`."""
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, given) for given in header.split())
