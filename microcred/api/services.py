"""Writes of the API's personal access tokens: making one, revoking it, and reading the
one a request's secret names."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from .models import ApiToken

# Marks our tokens in a leaked file, for secret scanners and people.
SECRET_START = "mcp_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = 12
# last_used_at is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made and its secret, which exists nowhere else once shown."""

    token: ApiToken
    secret: str


def create_token(*, user: User, name: str, scope: str, expires_at: datetime) -> NewToken:
    secret = SECRET_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        expires_at=expires_at,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret),
    )
    return NewToken(token=token, secret=secret)


def revoke_token(*, user: User, token_id: int) -> bool:
    """Revokes one of the user's tokens; False when they have no such active token."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


class TokenRefused(Exception):
    """Why a secret does not authenticate, in words for the client."""


def token_for_secret(secret: str) -> ApiToken:
    """The active token of the secret, its last use noted; TokenRefused when the secret
    is unknown, revoked or expired."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
    if token is None or not token.user.is_active:
        raise TokenRefused("Invalid token.")
    if token.revoked_at is not None:
        raise TokenRefused("This token has been revoked.")
    now = timezone.now()
    if token.expires_at <= now:
        raise TokenRefused("This token has expired.")
    note_use(token, now=now)
    return token


def note_use(token: ApiToken, *, now: datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
