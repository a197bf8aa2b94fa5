"""The OpenAPI schema and the docs page, served from our own files under the site's
Content-Security-Policy."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_with_the_plans_paths(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/plans/", "/api/v1/plans/{id}/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/plans/"]["get"]["parameters"]}
    assert {"page", "page_size", "search", "status", "organization", "updated_since"} <= parameters
    bearer = schema["components"]["securitySchemes"]["bearerAuth"]
    assert bearer == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_loads_nothing_from_another_host(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script>" not in page  # the set-up script comes from a URL (?script)
    assert "<style" not in page
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_docs_page_keeps_the_sites_content_security_policy(client):
    policy = client.get(reverse("api:docs"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_docs_pages_files_are_among_our_static_files(client, settings):
    page = client.get(reverse("api:docs")).content.decode()
    static_url = settings.STATIC_URL  # "/static/"
    paths = [p for p in re.findall(r"""(?:src|href)="([^"?]+)""", page) if p.startswith(static_url)]
    assert len(paths) >= 3  # the bundle, the standalone preset, the style sheet
    for path in paths:
        assert finders.find(path.removeprefix(static_url)), path


def test_the_schema_validates_with_no_warnings(tmp_path):
    # Fails (SystemExit) on a warning: an authenticator or field the schema cannot describe.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "schema.yml")
    assert (tmp_path / "schema.yml").stat().st_size > 0
