"""E-mail reminders of review cycles: 14 days before and on the day, once each."""

import datetime
import io
import smtplib
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from maintenance import reminders
from maintenance.models import ReviewReminder
from maintenance.reminders import DueReminder, send_due_review_reminders, send_reminder
from maintenance.tasks import send_review_reminders
from microcred.plans.archive import archive_plan
from microcred.plans.models import PlanMembership
from tests.factories import PlanFactory, UserFactory
from tests.maintenance.calendar_helpers import TODAY, days

pytestmark = pytest.mark.django_db


def run_command() -> str:
    out = io.StringIO()
    call_command("send_review_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def due_cycles(add_cycle):
    return {
        "two_weeks": add_cycle("Exam form refresh", first_due=TODAY + days(14)),
        "today": add_cycle(
            "Program impact review",
            every_months=3,
            last_done=datetime.date(2026, 8, 26),
            owner_text="Dana Whitfield, Manager of Credential Programs",
        ),
    }


def test_reminders_go_out_once_at_14_days_and_on_the_day(plan, owner, due_cycles):
    assert run_command() == "Review reminders sent: 2.\n"
    assert run_command() == "Review reminders sent: 0.\n"  # beat or a worker restarted
    assert sorted(message.subject for message in mail.outbox) == [
        "Review due in 14 days: Exam form refresh (Data Privacy Fundamentals)",
        "Review due today: Program impact review (Data Privacy Fundamentals)",
    ]
    assert {tuple(message.to) for message in mail.outbox} == {(owner.email,)}
    recorded = ReviewReminder.objects.order_by("kind").values_list(
        "cycle__name", "due_date", "kind", "recipient_count"
    )
    assert list(recorded) == [
        ("Program impact review", TODAY, "due_day", 1),
        ("Exam form refresh", TODAY + days(14), "two_weeks_before", 1),
    ]


def test_the_reminder_says_what_is_due_and_where_to_mark_it_done(plan, due_cycles):
    send_due_review_reminders()
    message = next(m for m in mail.outbox if "Program impact review" in m.subject)
    assert message.body == (
        "The review “Program impact review” of the plan “Data Privacy Fundamentals” "
        "(Northbridge Institute) is due today, on 26 November 2026.\n\n"
        "What is reviewed: Content\n"
        "Owner: Dana Whitfield, Manager of Credential Programs\n"
        "Every 3 months; last done: 26 August 2026\n\n"
        "Once it is done, mark it done on the plan's Maintenance page, which sets its next due "
        f"date: http://127.0.0.1:8000/plans/{plan.pk}/phases/maintenance/"
        "#panel-maintenance-review-calendar\n\n"
        "--\nYou get this e-mail as the owner of the plan “Data Privacy Fundamentals”: pass it "
        "on to the review's owner.\n"
    )


@pytest.mark.parametrize("days_ahead", [-1, 1, 7, 13, 15, 30])
def test_no_reminder_on_other_days(add_cycle, days_ahead):
    add_cycle("Exam form refresh", first_due=TODAY + days(days_ahead))
    assert send_due_review_reminders() == 0
    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()


def test_a_review_done_today_is_not_due_today(add_cycle):
    add_cycle("Exam form refresh", last_done=TODAY)
    assert send_due_review_reminders() == 0


def test_no_reminders_for_an_archived_plan(plan, owner, due_cycles):
    archive_plan(plan=plan, user=owner)
    assert send_due_review_reminders() == 0


def test_only_the_plans_active_owners_with_an_address_get_it(plan, editor, due_cycles):
    second = UserFactory(username="co-owner")
    PlanMembership.objects.create(plan=plan, user=second, role=PlanMembership.Role.OWNER)
    gone = UserFactory(username="gone", is_active=False)
    PlanMembership.objects.create(plan=plan, user=gone, role=PlanMembership.Role.OWNER)
    send_due_review_reminders()
    assert sorted(tuple(message.to) for message in mail.outbox) == [
        ("co-owner@example.org",),
        ("co-owner@example.org",),
        ("owner@example.org",),
        ("owner@example.org",),
    ]


def test_each_plans_owner_hears_of_their_own_reviews(plan, owner, add_cycle, template_version):
    other_owner = UserFactory(username="other-owner")
    theirs = PlanFactory(
        title="Cloud Basics", template_version=template_version, created_by=other_owner
    )
    add_cycle("Their review", first_due=TODAY, on_plan=theirs)
    add_cycle("Our review", first_due=TODAY)
    send_due_review_reminders()
    assert sorted((message.to[0], message.subject) for message in mail.outbox) == [
        ("other-owner@example.org", "Review due today: Their review (Cloud Basics)"),
        ("owner@example.org", "Review due today: Our review (Data Privacy Fundamentals)"),
    ]


def test_a_reminder_recorded_already_is_not_sent_again(due_cycles):
    reminder = DueReminder(cycle=due_cycles["today"], due=TODAY, kind="due_day")
    assert send_reminder(reminder, today=TODAY) == 1
    # What a second beat or worker finds: the row is there, nothing is sent.
    assert send_reminder(reminder, today=TODAY) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_a_reminder_once(due_cycles):
    # The other run records the reminder and holds its transaction open a moment: this
    # one cannot see that row yet, so it is the unique constraint that makes it leave it.
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes its write lock at BEGIN: two runs never overlap.")
    cycle = due_cycles["today"]
    recorded = threading.Event()

    def other_run():
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(
                    cycle=cycle, due_date=TODAY, kind="due_day", sent_at=timezone.now()
                )
                recorded.set()
                threading.Event().wait(0.5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    assert recorded.wait(10)
    reminder = DueReminder(cycle=cycle, due=TODAY, kind="due_day")
    assert send_reminder(reminder, today=TODAY) == 0
    thread.join()
    assert mail.outbox == []
    assert ReviewReminder.objects.count() == 1


def test_a_failed_send_is_tried_again_by_the_next_run(due_cycles, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(reminders, "send_mass_mail", refuse)
    assert send_due_review_reminders() == 0
    assert not ReviewReminder.objects.exists()
    assert "Could not send the due_day reminder of review cycle" in caplog.text
    monkeypatch.undo()
    assert send_due_review_reminders(today=TODAY) == 2
    assert ReviewReminder.objects.count() == 2


def test_a_new_due_date_gets_its_own_reminders(plan, owner, due_cycles):
    send_due_review_reminders()
    cycle = due_cycles["today"]
    later = TODAY + days(92) - days(14)  # 14 days before the next due date, 26 February 2027
    # Not marked done: it stays due on the date that has passed.
    assert send_due_review_reminders(today=later) == 0
    cycle.last_done = TODAY
    cycle.save(update_fields=["last_done"])
    assert send_due_review_reminders(today=later) == 1
    assert mail.outbox[-1].subject == (
        "Review due in 14 days: Program impact review (Data Privacy Fundamentals)"
    )


def test_the_beat_task_sends_them(due_cycles):
    assert send_review_reminders.apply().get() == 2


def test_beat_runs_the_reminders_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-review-reminders"]
    assert entry["task"] == "maintenance.tasks.send_review_reminders"
    assert entry["schedule"] == 3600
