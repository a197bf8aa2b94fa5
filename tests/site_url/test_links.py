"""Links read outside the browser carry the site's address: the calendar subscription
link, the calendar's events, e-mails, a plan file's `$schema` and a credential
definition's ids. In development (DEBUG on, no SITE_URL) that is the address the request
came to (`make run PORT=8201`), and for work without a request the last request's; in
production it is SITE_URL, whatever the request's Host."""

import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from maintenance.calendar import PANEL_ANCHOR, feed_token
from maintenance.services import calendar_feed_for
from microcred import celery_app
from microcred.comments.digests import DIGEST_INTERVAL, send_comment_digest
from microcred.comments.services import add_comment
from microcred.site_url.address import DEFAULT_SITE_URL, LAST_REQUEST_KEY, site_url
from tests.maintenance.calendar_helpers import TODAY, add_cycle, today  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

DEV = "http://127.0.0.1:8201"
PRODUCTION = "https://plans.example.org"


@pytest.fixture
def development(settings, client):
    """`make run PORT=8201`: DEBUG on, no SITE_URL, every request to 127.0.0.1:8201."""
    settings.DEBUG = True
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    client.defaults["HTTP_HOST"] = "127.0.0.1:8201"
    return client


@pytest.fixture
def production(development, settings):
    """The same requests, to a site that sets SITE_URL."""
    settings.DEBUG = False
    settings.SITE_URL = PRODUCTION + "/"  # a trailing slash is not doubled
    return development


@pytest.fixture
def cycle(add_cycle):  # noqa: F811
    return add_cycle("Exam form refresh", first_due=TODAY)


def maintenance_page(plan) -> str:
    return reverse("plans:phase", args=[plan.pk, "maintenance"]) + f"#{PANEL_ANCHOR}"


def subscription_link(client, plan, owner) -> str:
    client.force_login(owner)
    content = client.get(reverse("plans:phase", args=[plan.pk, "maintenance"])).content.decode()
    return re.search(r'id="review-calendar-link" type="text" readonly value="([^"]+)"', content)[1]


def feed_path(plan) -> str:
    feed = calendar_feed_for(plan=plan)
    return reverse("maintenance:calendar_feed", args=[plan.pk, feed_token(feed)])


def calendar_event(client, plan, owner):
    client.force_login(owner)
    response = client.get(reverse("maintenance:calendar_download", args=[plan.pk]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    return event


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    # With a broker (CI), the invitation would wait in its queue: send it here.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def invitation_link(client, plan, owner, capture) -> str:
    client.force_login(owner)
    with capture(execute=True):
        client.post(
            reverse("plans:members", args=[plan.pk]),
            {"email": "nadia@example.org", "role": "editor"},
        )
    [email] = mail.outbox
    return re.search(r"^(http\S+/invitations/)\S+$", email.body, re.MULTILINE)[1]


def plan_file(client, plan):
    client.force_login(plan.created_by)
    response = client.get(reverse("transfer:json_download", args=[plan.pk]))
    return json.loads(response.content)


def credential_definition(client, plan):
    client.force_login(plan.created_by)
    return json.loads(client.get(reverse("design:achievement", args=[plan.pk])).content)


# The five kinds of link, in development.


def test_the_calendar_subscription_link_follows_the_request(development, plan, owner, cycle):
    link = subscription_link(development, plan, owner)
    assert link == DEV + feed_path(plan)
    content = development.get(reverse("plans:phase", args=[plan.pk, "maintenance"])).content
    assert f'href="webcal://127.0.0.1:8201{feed_path(plan)}"'.encode() in content


def test_a_cached_page_is_not_served_to_another_address(development, plan, owner, cycle):
    assert subscription_link(development, plan, owner) == DEV + feed_path(plan)
    development.defaults["HTTP_HOST"] = "localhost:8202"
    link = subscription_link(development, plan, owner)
    assert link == "http://localhost:8202" + feed_path(plan)


def test_the_calendar_events_link_to_the_requested_address(development, plan, owner, cycle):
    event = calendar_event(development, plan, owner)
    assert str(event["URL"]) == DEV + maintenance_page(plan)
    assert str(event["DESCRIPTION"]).endswith(
        f"Mark it done on the Maintenance page: {DEV}{maintenance_page(plan)}"
    )
    assert str(event["UID"]) == f"review-cycle-{cycle.pk}@127.0.0.1"
    # The feed, fetched by a calendar app, too.
    feed = Calendar.from_ical(development.get(feed_path(plan)).content)
    assert [str(e["URL"]) for e in feed.walk("VEVENT")] == [DEV + maintenance_page(plan)]


def test_an_email_sent_from_a_request_links_to_its_address(
    development, plan, owner, django_capture_on_commit_callbacks
):
    link = invitation_link(development, plan, owner, django_capture_on_commit_callbacks)
    assert link == DEV + "/plans/invitations/"


def test_an_email_sent_without_a_request_links_to_the_last_requests_address(
    development, plan, owner, reviewer, question
):
    comment = add_comment(
        plan=plan, user=reviewer, body="Who pays?", phase=question.phase, question=question
    )
    assert site_url() == DEFAULT_SITE_URL  # before any request
    development.force_login(owner)
    development.get(plan.get_absolute_url())
    assert cache.get(LAST_REQUEST_KEY) == DEV
    later = timezone.now() + DIGEST_INTERVAL
    assert send_comment_digest(recipient_id=owner.pk, plan_id=plan.pk, now=later) == 1
    [email] = mail.outbox
    phase = reverse("plans:phase", args=[plan.pk, question.phase.slug])
    assert f"\n{DEV}{phase}#thread-{comment.pk}\n" in email.body
    assert email.body.endswith(f"change your preferences: {DEV}/plans/notifications/\n")


def test_the_plan_files_schema_is_on_the_requested_address(development, demo_plan):
    document = plan_file(development, demo_plan)
    assert document["$schema"] == f"{DEV}/schemas/plan-v1.json"
    assert document["exported_from"] == DEV


def test_the_credential_definitions_ids_are_on_the_requested_address(development, demo_plan):
    achievement = credential_definition(development, demo_plan)
    assert achievement["id"] == DEV + reverse("design:achievement", args=[demo_plan.pk])
    ids = [
        value for value in re.findall(r'"id": "([^"]+)"', json.dumps(achievement)) if "://" in value
    ]
    assert ids and all(value.startswith(DEV + "/") for value in ids)


# Production: SITE_URL, whatever the request's Host.


def test_with_site_url_every_link_is_on_it(
    production, plan, owner, cycle, demo_plan, django_capture_on_commit_callbacks
):
    assert subscription_link(production, plan, owner) == PRODUCTION + feed_path(plan)
    assert str(calendar_event(production, plan, owner)["URL"]) == (
        PRODUCTION + maintenance_page(plan)
    )
    link = invitation_link(production, plan, owner, django_capture_on_commit_callbacks)
    assert link == PRODUCTION + "/plans/invitations/"
    assert plan_file(production, demo_plan)["$schema"] == f"{PRODUCTION}/schemas/plan-v1.json"
    achievement_id = credential_definition(production, demo_plan)["id"]
    assert achievement_id == PRODUCTION + reverse("design:achievement", args=[demo_plan.pk])
    assert cache.get(LAST_REQUEST_KEY) is None  # nothing remembered from the Host header


def test_without_debug_or_site_url_links_use_the_default_not_the_host(settings, rf):
    settings.DEBUG = False
    settings.SITE_URL = ""
    request = rf.get("/", HTTP_HOST="evil.example")
    assert site_url(request) == DEFAULT_SITE_URL == "http://127.0.0.1:8000"
