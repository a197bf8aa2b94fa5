"""The login page's Content-Security-Policy, widened to the identity providers' origins."""

from .social_apps import sign_in_origins

# The pages whose forms lead to an identity provider: the login page's institution
# buttons, and allauth's "Continue to …" page shown when a sign-in address is opened.
SIGN_IN_PAGES = {"login", "openid_connect_login", "saml_login"}


class SignInFormActionMiddleware:
    """Lets the sign-in pages' forms end at the identity providers: the forms post here,
    and the redirect to the provider that answers is held to the page's form-action.
    Inside django-csp's middleware (after it in MIDDLEWARE), which reads `_csp_update`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match and match.url_name in SIGN_IN_PAGES and response.status_code == 200:
            origins = sign_in_origins()
            if origins:
                response._csp_update = {"form-action": origins}
        return response
