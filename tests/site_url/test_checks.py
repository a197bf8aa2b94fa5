"""`check --deploy` warns a site without SITE_URL, whose links would point at the default."""

from django.core.checks import Warning

from microcred.site_url.checks import site_url_is_set


def test_a_site_without_site_url_is_warned(settings):
    settings.SITE_URL = ""
    assert site_url_is_set(None) == [
        Warning(
            "SITE_URL is not set: links in e-mails, calendars, plan files and credential "
            "definitions point at http://127.0.0.1:8000.",
            hint="Set SITE_URL to the address people open the site at, e.g. "
            "SITE_URL=https://plans.example.org.",
            id="site_url.W001",
        )
    ]


def test_a_site_with_site_url_is_not(settings):
    settings.SITE_URL = "https://plans.example.org"
    assert site_url_is_set(None) == []
