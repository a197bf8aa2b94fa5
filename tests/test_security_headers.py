"""Headers on every page: a Content-Security-Policy that runs no inline script, and no
caching of anything a signed-in user sees."""

import pytest
from django.urls import reverse

from microcred.reports.models import ReportExport
from microcred.reports.rendering import render_export

pytestmark = pytest.mark.django_db


def plan_urls(plan):
    args = {"plan_id": plan.pk}
    return [
        reverse("plans:list"),
        reverse("plans:dashboard", kwargs=args),
        reverse("plans:phase", kwargs={**args, "phase_slug": "strategic-planning"}),
        reverse("plans:members", kwargs=args),
        reverse("review:changes", kwargs=args),
        reverse("reports:list", kwargs=args),
        reverse("reports:preview", kwargs=args),
    ]


def test_html_pages_carry_a_policy_without_inline_scripts(client, plan, owner):
    client.force_login(owner)
    for url in plan_urls(plan):
        policy = client.get(url).headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert directives["style-src"] == "'self'", url
        assert directives["default-src"] == "'self'", url
        assert directives["frame-ancestors"] == "'none'", url
        assert "unsafe-inline" not in policy, url
    client.logout()
    assert "script-src 'self'" in client.get(reverse("login")).headers["Content-Security-Policy"]


def test_plan_pages_and_downloads_are_never_cached(client, plan, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    render_export(export_id=export.pk)
    client.force_login(owner)
    for url in [*plan_urls(plan), reverse("reports:download", args=[plan.pk, export.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert {"no-store", "private", "no-cache"} <= cache_control, url
