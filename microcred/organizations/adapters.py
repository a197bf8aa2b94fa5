"""allauth's hooks (SOCIALACCOUNT_ADAPTER) for signing in through an organization's
identity provider: the providers come from IdentityProvider rows, an existing account is
reached by its address only when the provider vouched for it, and the organization's
membership rules run at every sign-in. The rules themselves are in sign_in_services.py."""

import logging

from allauth.account.utils import user_email, user_username
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.http import HttpRequest
from django.shortcuts import render

from .identity_providers import IdentityProvider
from .sign_in_services import (
    Claims,
    account_with_address,
    address_is_verified,
    claims_of,
    grant_membership,
    unique_username,
)
from .social_apps import social_apps

logger = logging.getLogger(__name__)


def refusal(
    request: HttpRequest, provider: IdentityProvider | None, reason: str
) -> ImmediateHttpResponse:
    """The page that says why a sign-in through an identity provider was refused."""
    response = render(
        request,
        "socialaccount/sign_in_refused.html",
        {"provider": provider, "reason": reason},
        status=403,
    )
    return ImmediateHttpResponse(response)


def refuse_if_inactive(request: HttpRequest, provider: IdentityProvider, user) -> None:
    # allauth would send an inactive account to its own "account inactive" page.
    if not user.is_active:
        raise refusal(
            request,
            provider,
            "Your account here has been deactivated. Ask the site's administrators to "
            "reactivate it.",
        )


class InstitutionSignInAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        return social_apps(provider=provider, client_id=client_id)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # pre_social_login refused every sign-in that could not make its account at once.
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider, email, claims = self._sign_in_of(sociallogin)
        if sociallogin.is_existing:
            refuse_if_inactive(request, provider, sociallogin.user)
            grant_membership(provider=provider, user=sociallogin.user, email=email, claims=claims)
            return
        if not email:
            raise refusal(
                request,
                provider,
                "Your institution did not tell us your e-mail address, which your account "
                "here needs. Ask its IT service to release it to this site.",
            )
        existing = account_with_address(email)
        if existing is None:
            return  # a new account: save_user makes it
        if not address_is_verified(provider, email, claims):
            logger.warning(
                "Sign-in through %s refused: %s has an account, address not verified",
                provider.slug,
                email,
            )
            raise refusal(
                request,
                provider,
                f"An account here already has the address {email}, and your institution did "
                "not confirm that this address is yours, so we cannot sign you in to it. "
                "Log in with that account's username and password instead, or ask your "
                "institution's IT service to mark your address as verified.",
            )
        refuse_if_inactive(request, provider, existing)
        sociallogin.connect(request, existing)
        grant_membership(provider=provider, user=existing, email=email, claims=claims)

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict):
        user = super().populate_user(request, sociallogin, data)
        user_username(user, unique_username(user_email(user) or ""))
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        user = super().save_user(request, sociallogin, form)
        provider, email, claims = self._sign_in_of(sociallogin)
        grant_membership(provider=provider, user=user, email=email, claims=claims)
        return user

    def _sign_in_of(self, sociallogin: SocialLogin) -> tuple[IdentityProvider, str, Claims]:
        """The IdentityProvider signed in through, the address it gave, and its claims."""
        app = sociallogin.provider.app
        provider = IdentityProvider.objects.select_related("organization").get(
            pk=app.settings["identity_provider"]
        )
        # The address the provider sent (the user's own may be an older one).
        if sociallogin.email_addresses:
            email = sociallogin.email_addresses[0].email
        else:
            email = user_email(sociallogin.user) or ""
        return provider, email.strip(), claims_of(provider.protocol, sociallogin.account.extra_data)
