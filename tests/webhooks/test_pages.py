"""The plan's webhooks page: its owner adds an endpoint (the secret shown once), sends a
test event, reads the delivery log, enables a disabled one again and deletes one; nobody
else may."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from microcred.webhooks.delivery import disable_endpoint
from microcred.webhooks.models import WebhookDelivery, WebhookEndpoint
from microcred.webhooks.services import create_endpoint, send_test_event

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://93.184.216.34/hooks/microcred"  # never reached: no hand-over runs


def page(plan):
    return reverse("webhooks:endpoints", kwargs={"plan_id": plan.pk})


def test_the_owner_adds_an_endpoint_and_sees_its_secret_once(client, plan, owner, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(owner)
    empty = client.get(page(plan)).content.decode()
    assert '<h1 class="h2">Webhooks of Data Privacy Fundamentals</h1>' in empty
    assert "This plan has no webhook endpoints yet." in empty
    response = client.post(
        page(plan), {"url": PUBLIC_URL, "events": ["plan.submitted", "plan.approved"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.url == reverse("webhooks:endpoint_created", kwargs={"plan_id": plan.pk})
    assert (endpoint.plan, endpoint.url, endpoint.events, endpoint.created_by) == (
        plan,
        PUBLIC_URL,
        ["plan.submitted", "plan.approved"],
        owner,
    )
    shown = client.get(response.url).content.decode()
    assert f'value="{endpoint.secret}" readonly' in shown
    assert "Copy the signing secret now: it is shown only this once." in shown
    again = client.get(response.url)
    assert again.url == page(plan)
    listed = client.get(page(plan)).content.decode()
    assert PUBLIC_URL in listed
    assert "<li>Plan submitted for review</li><li>Plan approved</li>" in listed
    assert endpoint.secret not in listed


def test_a_loopback_address_is_refused_beside_the_field(client, plan, owner, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(owner)
    response = client.post(
        page(plan), {"url": "https://127.0.0.1:8000/hook", "events": ["plan.submitted"]}
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "url": [
            "“127.0.0.1” is a private, loopback or otherwise non-public address (127.0.0.1): "
            "webhooks are only sent to public addresses."
        ]
    }
    assert "webhooks are only sent to public addresses" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_an_event(client, plan, owner):
    client.force_login(owner)
    response = client.post(page(plan), {"url": PUBLIC_URL})
    assert response.status_code == 400
    assert response.context["form"].errors == {"events": ["Choose at least one event."]}


def test_the_owner_sends_a_test_event_and_reads_the_log(
    client, plan, owner, django_assert_num_queries
):
    endpoint = create_endpoint(plan=plan, url=PUBLIC_URL, events=["plan.submitted"], user=owner)
    client.force_login(owner)
    response = client.post(
        reverse("webhooks:endpoint_test", kwargs={"plan_id": plan.pk, "endpoint_id": endpoint.pk})
    )
    log_url = reverse(
        "webhooks:deliveries", kwargs={"plan_id": plan.pk, "endpoint_id": endpoint.pk}
    )
    assert response.url == log_url
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.state) == ("webhook.test", "pending")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state="failed", attempts=6, status_code=502, error="The receiver answered 502."
    )
    for _ in range(3):
        send_test_event(endpoint=endpoint)
    # The session, the user, the plan with the viewer's roles, the endpoint, the log, and
    # the menu's question whether they oversee an organization.
    with django_assert_num_queries(6):
        log = client.get(log_url).content.decode()
    assert log.count("<td>Test event<br>") == 4
    assert "<td>502</td>" in log
    assert "The receiver answered 502." in log


def test_the_owner_enables_a_disabled_endpoint_again_and_deletes_one(client, plan, owner):
    endpoint = create_endpoint(plan=plan, url=PUBLIC_URL, events=["plan.submitted"], user=owner)
    disable_endpoint(endpoint_id=endpoint.pk, reason="Disabled after 15 failed attempts.")
    client.force_login(owner)
    listed = client.get(page(plan)).content.decode()
    assert "<strong>Disabled</strong>" in listed
    assert "Disabled after 15 failed attempts." in listed
    refused = client.post(
        reverse("webhooks:endpoint_test", kwargs={"plan_id": plan.pk, "endpoint_id": endpoint.pk}),
        follow=True,
    )
    assert "Enable the endpoint before sending it a test event." in refused.content.decode()
    kwargs = {"plan_id": plan.pk, "endpoint_id": endpoint.pk}
    enabled = client.post(reverse("webhooks:endpoint_enable", kwargs=kwargs), follow=True)
    assert f"{PUBLIC_URL} is enabled again." in enabled.content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.failure_count, endpoint.disabled_at) == (True, 0, None)
    deleted = client.post(reverse("webhooks:endpoint_delete", kwargs=kwargs), follow=True)
    assert f"The endpoint {PUBLIC_URL} was deleted." in deleted.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_only_the_owner_manages_webhooks(client, plan, owner, editor, outsider):
    endpoint = create_endpoint(plan=plan, url=PUBLIC_URL, events=["plan.submitted"], user=owner)
    client.force_login(editor)
    refused = client.get(page(plan))
    assert refused.status_code == 403
    assert "Only the plan&#x27;s owner can manage its webhooks." in refused.content.decode()
    kwargs = {"plan_id": plan.pk, "endpoint_id": endpoint.pk}
    assert client.post(reverse("webhooks:endpoint_delete", kwargs=kwargs)).status_code == 403
    client.force_login(outsider)
    assert client.get(page(plan)).status_code == 404
    assert WebhookEndpoint.objects.exists()


def test_another_plans_endpoint_is_not_found(client, plan, owner, superuser):
    every_plan = create_endpoint(
        plan=None, url=PUBLIC_URL, events=["plan.submitted"], user=superuser
    )
    client.force_login(owner)
    kwargs = {"plan_id": plan.pk, "endpoint_id": every_plan.pk}
    assert client.get(reverse("webhooks:deliveries", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("webhooks:endpoint_delete", kwargs=kwargs)).status_code == 404


def test_only_site_admins_register_an_endpoint_for_every_plan(owner):
    with pytest.raises(PermissionDenied, match="Only a site admin can register"):
        create_endpoint(plan=None, url=PUBLIC_URL, events=["plan.submitted"], user=owner)


def test_the_dashboard_links_the_owner_to_the_webhooks(client, plan, owner, editor):
    link = f'<a href="{page(plan)}">Webhooks</a>'
    client.force_login(owner)
    assert link in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(editor)
    assert link not in client.get(plan.get_absolute_url()).content.decode()


def test_the_admin_is_for_superusers_only(client, superuser, owner, plan):
    create_endpoint(plan=plan, url=PUBLIC_URL, events=["plan.submitted"], user=owner)
    client.force_login(superuser)
    listed = client.get(reverse("admin:webhooks_webhookendpoint_changelist"))
    assert listed.status_code == 200
    assert PUBLIC_URL in listed.content.decode()
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    assert client.get(reverse("admin:webhooks_webhookendpoint_changelist")).status_code == 403
