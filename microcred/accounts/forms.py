from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import forms as auth_forms

from microcred.site_url.address import site_url


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The link in the e-mail points at the site's address, as every other e-mail's links
    do: SITE_URL, never the host and port that the request's Host header named (but in
    development, see microcred/site_url/address.py)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        site = urlsplit(site_url())
        context = {**context, "protocol": site.scheme, "domain": site.netloc}
        super().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name,
        )
