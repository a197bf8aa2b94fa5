"""While PostgreSQL or the cache's Redis cannot be reached (a restart, a failover), the
site says so with a 503 and its reason, which the page's autosave retries, or goes on
without the cache: never a 500."""

import runpy

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

REFUSED = (
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)


def refuse_queries(execute, sql, params, many, context):
    raise OperationalError(REFUSED)


def fail_queries(execute, sql, params, many, context):
    raise ValueError("a bug")


@pytest.fixture
def web_client():
    """A client that gets the response Django makes of an error, as a browser would."""
    return Client(raise_request_exception=False)


def autosave_url(plan):
    return reverse(
        "plans:autosave_answer",
        kwargs={
            "plan_id": plan.pk,
            "phase_slug": "strategic-planning",
            "question_key": "business_case",
        },
    )


def test_an_autosave_while_the_database_refuses_answers_503_with_the_reason(
    web_client, plan, owner
):
    web_client.force_login(owner)
    with connection.execute_wrapper(refuse_queries):
        response = web_client.post(
            autosave_url(plan), {"business_case": "Kept by the page."}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    content = response.content.decode()
    assert "<h1>Briefly unavailable</h1>" in content
    assert "<p>The database cannot be reached just now.</p>" in content
    assert "Server error" not in content


def test_a_page_while_the_database_refuses_answers_503(web_client, plan, owner):
    web_client.force_login(owner)
    with connection.execute_wrapper(refuse_queries):
        response = web_client.get(reverse("plans:dashboard", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 503
    assert "<p>The database cannot be reached just now.</p>" in response.content.decode()


def test_another_error_still_answers_the_500_page(web_client, plan, owner):
    web_client.force_login(owner)
    with connection.execute_wrapper(fail_queries):
        response = web_client.get(reverse("plans:dashboard", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "<h1>Something went wrong on our side</h1>" in response.content.decode()


def settings_for(monkeypatch, **environment) -> dict:
    """What microcred/settings.py makes of `environment`."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path("microcred/settings.py")


def test_pages_answer_while_the_cache_redis_is_down(client, plan, owner, monkeypatch, settings):
    # Nothing listens on port 1: connecting is refused at once, as to a Redis that is down.
    production = settings_for(monkeypatch, CACHE_URL="redis://127.0.0.1:1/1")
    settings.CACHES = production["CACHES"]
    settings.SESSION_ENGINE = production["SESSION_ENGINE"]
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client.force_login(owner)
    response = client.get(reverse("plans:dashboard", kwargs={"plan_id": plan.pk}))
    assert response.status_code == 200
    assert f'<h1 class="h2 mb-1">{plan.title}</h1>' in response.content.decode()
    response = client.post(autosave_url(plan), {"business_case": "Saved without the cache."})
    assert "Saved at" in response.content.decode()
    assert plan.answers.get(question__key="business_case").value == "Saved without the cache."
