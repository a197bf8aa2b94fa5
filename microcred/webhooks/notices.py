"""The e-mail that tells an endpoint's owner it was disabled: sent once the disabling
commits, and again by the periodic sweep while the mail server refuses it (for a day)."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from microcred.plans.models import PlanMembership
from microcred.site_url.address import absolute_url

from .models import WebhookEndpoint

logger = logging.getLogger(__name__)

# A notice the mail server kept refusing this long is given up (the page still says it).
NOTICE_RETRY_PERIOD = datetime.timedelta(days=1)


def notice_recipients(endpoint: WebhookEndpoint) -> list[str]:
    """Its creator and, for one plan's endpoint, the plan's owners."""
    people = [endpoint.created_by] if endpoint.created_by else []
    if endpoint.plan_id:
        people += [
            membership.user
            for membership in PlanMembership.objects.filter(
                plan_id=endpoint.plan_id, role=PlanMembership.Role.OWNER
            ).select_related("user")
        ]
    return sorted({person.email for person in people if person.email and person.is_active})


def notice_text(endpoint: WebhookEndpoint) -> tuple[str, str]:
    if endpoint.plan is None:
        where = "for every plan"
        page = absolute_url(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    else:
        where = f"of the plan “{endpoint.plan.title}”"
        page = absolute_url(reverse("webhooks:endpoints", kwargs={"plan_id": endpoint.plan_id}))
    subject = " ".join(f"Webhook {where} disabled".split())
    body = (
        f"The webhook endpoint {endpoint.url} {where} was disabled: its deliveries kept "
        f"failing.\n\n{endpoint.disabled_reason}\n\nNo events are sent to it until it is "
        f"enabled again; the events that happen meanwhile are not sent later. Fix the "
        f"receiver, then enable it again: {page}\n"
    )
    return subject, body


def send_disabled_notice(*, endpoint_id: int) -> bool:
    """E-mail the owners of a disabled endpoint, unless that was done; True when sent.
    A failure is logged (the sweep tries again), never raised."""
    try:
        with transaction.atomic():
            endpoint = (
                WebhookEndpoint.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("plan", "created_by")
                .filter(pk=endpoint_id, active=False, disabled_notice_sent_at=None)
                .exclude(disabled_at=None)
                .first()
            )
            if endpoint is None:
                return False
            subject, body = notice_text(endpoint)
            send_mass_mail(
                [
                    (subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
                    for recipient in notice_recipients(endpoint)
                ],
                fail_silently=False,
            )
            endpoint.disabled_notice_sent_at = timezone.now()
            endpoint.save(update_fields=["disabled_notice_sent_at"])
    except Exception:
        logger.warning(
            "Could not e-mail the notice that webhook endpoint %s was disabled; the periodic "
            "sweep tries again.",
            endpoint_id,
            exc_info=True,
        )
        return False
    return True


def send_pending_notices() -> int:
    """The notices not sent yet (the mail server refused them); how many went out."""
    since = timezone.now() - NOTICE_RETRY_PERIOD
    pending = WebhookEndpoint.objects.filter(
        active=False, disabled_notice_sent_at=None, disabled_at__gte=since
    ).values_list("pk", flat=True)
    return sum(send_disabled_notice(endpoint_id=pk) for pk in pending)
