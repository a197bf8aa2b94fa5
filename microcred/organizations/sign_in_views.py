"""The pages of a sign-in through an identity provider that did not finish, in place of
allauth's (which link to its local account pages, not routed here)."""

from django.views.generic import TemplateView


class SignInCancelledView(TemplateView):
    template_name = "socialaccount/login_cancelled.html"


class SignInErrorView(TemplateView):
    template_name = "socialaccount/authentication_error.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(**kwargs), status=401)
