"""The authentication backend of sign-ins through an identity provider."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


class IdentityProviderBackend(AuthenticationBackend):
    """allauth's backend, which its login picks for the people an identity provider vouched
    for, less its password check: that one matches usernames in any case, so that "ALICE"
    would be a new username to django-axes' lockout, with five more tries at alice's
    password. Passwords stay ModelBackend's, behind the lockout."""

    def authenticate(
        self, request: HttpRequest | None, **credentials: object
    ) -> AbstractBaseUser | None:
        return None
