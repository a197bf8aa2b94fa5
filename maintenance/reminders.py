"""E-mail reminders of review cycles: 14 days before a review is due, and on the day.

A review cycle's owner is free text (a person or a committee, not an account), so the
reminders go to the plan's owner, who passes them on. Each reminder is recorded
(ReviewReminder, unique per cycle, due date and kind) in the transaction that sends it:
a run that finds it recorded leaves it, and a failed send rolls the record back so that
the next run tries again. Celery beat runs this every hour (only the first run of a day
finds anything to send); without beat, `manage.py send_review_reminders` from cron.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from microcred.plans.models import Plan, PlanMembership
from microcred.site_url.address import absolute_url

from .calendar import due_phrase, maintenance_page_url
from .models import ReviewCycle, ReviewReminder

logger = logging.getLogger(__name__)

DAYS_BEFORE = {
    ReviewReminder.Kind.TWO_WEEKS_BEFORE: 14,
    ReviewReminder.Kind.DUE_DAY: 0,
}


@dataclass(frozen=True)
class DueReminder:
    cycle: ReviewCycle
    due: datetime.date
    kind: str


def reminders_due(*, today: datetime.date) -> list[DueReminder]:
    """The reminders whose day is today, for the review cycles of plans not archived."""
    targets = {today + datetime.timedelta(days=days): kind for kind, days in DAYS_BEFORE.items()}
    # A cycle never done is due on its first due date, which the database compares; one
    # done is due a number of months after, which is counted here.
    candidates = (
        ReviewCycle.objects.exclude(plan__status=Plan.Status.ARCHIVED)
        .filter(Q(last_done=None, first_due__in=list(targets)) | Q(last_done__isnull=False))
        .select_related("plan")
        .order_by("pk")
    )
    return [
        DueReminder(cycle=cycle, due=cycle.next_due, kind=targets[cycle.next_due])
        for cycle in candidates
        if cycle.next_due in targets
    ]


def reminder_recipients(plan) -> list[str]:
    return sorted(
        set(
            PlanMembership.objects.filter(
                plan=plan, role=PlanMembership.Role.OWNER, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def reminder_message(reminder: DueReminder, *, today: datetime.date) -> tuple[str, str]:
    """The reminder's subject and body."""
    cycle, plan = reminder.cycle, reminder.cycle.plan
    phrase = due_phrase(due=reminder.due, today=today)
    last_done = f"{cycle.last_done:%-d %B %Y}" if cycle.last_done else "never"
    subject = f"Review {phrase}: {cycle.name} ({plan.title})"
    body = (
        f"The review “{cycle.name}” of the plan “{plan.title}” ({plan.organization}) is "
        f"{phrase}, on {reminder.due:%-d %B %Y}.\n\n"
        f"What is reviewed: {cycle.area_text}\n"
        f"Owner: {cycle.owner.strip() or 'no owner named yet'}\n"
        f"Every {cycle.every_months} month{'' if cycle.every_months == 1 else 's'}; "
        f"last done: {last_done}\n\n"
        f"Once it is done, mark it done on the plan's Maintenance page, which sets its next "
        f"due date: {absolute_url(maintenance_page_url(plan))}\n\n"
        f"--\nYou get this e-mail as the owner of the plan “{plan.title}”: pass it on to "
        f"the review's owner.\n"
    )
    # A subject is one header line (a line break would make the mail library refuse it).
    return " ".join(subject.split()), body


@transaction.atomic
def send_reminder(reminder: DueReminder, *, today: datetime.date) -> int:
    """Record the reminder and send it, unless it is recorded already; returns how many
    e-mails were sent. Two runs at once: the second one's insert waits for the first's
    transaction and then finds the row."""
    _, created = ReviewReminder.objects.get_or_create(
        cycle=reminder.cycle,
        due_date=reminder.due,
        kind=reminder.kind,
        defaults={"sent_at": timezone.now()},
    )
    if not created:
        return 0
    recipients = reminder_recipients(reminder.cycle.plan)
    subject, body = reminder_message(reminder, today=today)
    sent = send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients],
        fail_silently=False,
    )
    ReviewReminder.objects.filter(
        cycle=reminder.cycle, due_date=reminder.due, kind=reminder.kind
    ).update(recipient_count=sent)
    return sent


def send_due_review_reminders(*, today: datetime.date | None = None) -> int:
    """Send today's review reminders that are not sent yet; safe to run again and at
    once. A reminder that fails is logged and left for the next run. Returns how many
    e-mails were sent."""
    today = today or timezone.localdate()
    sent = 0
    for reminder in reminders_due(today=today):
        try:
            sent += send_reminder(reminder, today=today)
        except Exception:
            logger.warning(
                "Could not send the %s reminder of review cycle %s due %s; the next run "
                "tries again.",
                reminder.kind,
                reminder.cycle.pk,
                reminder.due,
                exc_info=True,
            )
    return sent
