"""The review calendar's dates and phrases, and the plan's calendar file read back with
icalendar."""

import datetime

import pytest
from dateutil.rrule import rrulestr
from django.utils import timezone
from icalendar import Calendar

from maintenance.calendar import (
    cycle_uid,
    due_phrase,
    due_reviews,
    feed_matches,
    feed_token,
    recurrence,
    review_calendar,
)
from maintenance.models import ReviewCycle, months_after
from maintenance.services import calendar_feed_for, reset_calendar_feed
from tests.maintenance.calendar_helpers import TODAY, days

NOW = datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("due", "phrase"),
    [
        (TODAY + days(12), "due in 12 days"),
        (TODAY + days(1), "due in 1 day"),
        (TODAY, "due today"),
        (TODAY - days(1), "overdue by 1 day"),
        (TODAY - days(3), "overdue by 3 days"),
        (TODAY + days(400), "due in 400 days"),
    ],
)
def test_due_phrases(due, phrase):
    assert due_phrase(due=due, today=TODAY) == phrase


@pytest.mark.parametrize(
    ("last_done", "every_months", "next_due"),
    [
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),  # a leap year
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2028, 2, 29), 48, datetime.date(2032, 2, 29)),
        (datetime.date(2026, 11, 15), 2, datetime.date(2027, 1, 15)),  # across the year
        (datetime.date(2026, 6, 30), 120, datetime.date(2036, 6, 30)),
    ],
)
def test_next_due_is_the_months_after_the_last_review(last_done, every_months, next_due):
    cycle = ReviewCycle(every_months=every_months, last_done=last_done)
    assert cycle.next_due == next_due


def test_a_review_never_done_is_due_on_its_first_due_date():
    cycle = ReviewCycle(every_months=6, first_due=datetime.date(2027, 6, 15))
    assert cycle.next_due == datetime.date(2027, 6, 15)
    assert ReviewCycle(every_months=6).next_due is None


def test_due_reviews_come_nearest_first_overdue_first_of_all_undated_last():
    cycles = [
        ReviewCycle(name="Undated", every_months=6),
        ReviewCycle(name="Later", every_months=12, first_due=TODAY + days(40)),
        ReviewCycle(name="Overdue", every_months=1, last_done=datetime.date(2026, 10, 1)),
        ReviewCycle(name="Soon", every_months=12, first_due=TODAY + days(12)),
    ]
    reviews = due_reviews(cycles, today=TODAY)
    assert [(r.cycle.name, r.phrase) for r in reviews] == [
        ("Overdue", "overdue by 25 days"),
        ("Soon", "due in 12 days"),
        ("Later", "due in 40 days"),
        ("Undated", ""),
    ]
    assert [r.overdue for r in reviews] == [True, False, False, False]
    assert reviews[1].following_due == datetime.date(2027, 12, 8)
    assert reviews[3].following_due is None


@pytest.mark.parametrize(
    ("start", "every_months"),
    [
        (datetime.date(2028, 1, 31), 1),
        (datetime.date(2027, 1, 30), 1),
        (datetime.date(2027, 1, 29), 1),
        (datetime.date(2028, 2, 29), 12),
        (datetime.date(2027, 8, 31), 6),
        (datetime.date(2027, 6, 15), 3),
    ],
)
def test_the_recurrence_lands_where_months_after_counts(start, every_months):
    rule = recurrence(start=start, every_months=every_months)
    occurrences = rrulestr(
        "FREQ=MONTHLY;"
        + ";".join(
            f"{key.upper()}={','.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in rule.items()
            if key != "freq"
        ),
        dtstart=datetime.datetime.combine(start, datetime.time()),
    )
    expected = [months_after(start, every_months * n) for n in range(12)]
    assert [occurrence.date() for occurrence in occurrences[:12]] == expected


def test_a_plain_day_has_a_plain_monthly_rule():
    assert recurrence(start=datetime.date(2027, 6, 15), every_months=3) == {
        "freq": "monthly",
        "interval": 3,
    }


def parsed(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(calendar: Calendar) -> list:
    return [component for component in calendar.walk("VEVENT")]


@pytest.mark.django_db
def test_the_calendar_has_one_recurring_all_day_event_per_dated_cycle(plan, add_cycle):
    refresh = add_cycle("Exam form refresh", every_months=12, first_due=TODAY + days(12))
    add_cycle("Undated review", every_months=6)
    impact = add_cycle("Program impact review", every_months=3, last_done=TODAY - days(10))
    calendar = parsed(review_calendar(plan=plan, cycles=plan_cycles(plan), now=NOW))
    assert calendar["PRODID"] == "-//Microcred Planner//Review calendar//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["X-WR-CALNAME"] == "Reviews: Data Privacy Fundamentals"
    assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=12)
    assert calendar["X-PUBLISHED-TTL"] == "PT12H"
    found = {event["UID"]: event for event in events(calendar)}
    assert sorted(found) == sorted(
        [f"review-cycle-{refresh.pk}@127.0.0.1", f"review-cycle-{impact.pk}@127.0.0.1"]
    )
    event = found[cycle_uid(refresh)]
    assert event.decoded("DTSTART") == datetime.date(2026, 12, 8)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event.decoded("DTEND") == datetime.date(2026, 12, 9)
    assert event.decoded("DTSTAMP") == NOW
    assert dict(event["RRULE"]) == {"FREQ": ["MONTHLY"], "INTERVAL": [12]}
    assert event["SUMMARY"] == "Review due: Exam form refresh (Data Privacy Fundamentals)"
    assert "Owner: Exam development committee" in event["DESCRIPTION"]
    assert event["URL"] == (
        f"http://127.0.0.1:8000/plans/{plan.pk}/phases/maintenance/"
        "#panel-maintenance-review-calendar"
    )
    assert event["SEQUENCE"] == 1
    impact_event = found[cycle_uid(impact)]
    assert impact_event.decoded("DTSTART") == datetime.date(2027, 2, 16)
    assert dict(impact_event["RRULE"]) == {"FREQ": ["MONTHLY"], "INTERVAL": [3]}


def plan_cycles(plan):
    return list(ReviewCycle.objects.filter(plan=plan))


@pytest.mark.django_db
def test_a_cycle_keeps_its_uid_when_its_dates_change(plan, add_cycle):
    cycle = add_cycle("Exam form refresh", first_due=TODAY + days(12))
    before = events(parsed(review_calendar(plan=plan, cycles=plan_cycles(plan), now=NOW)))[0]
    ReviewCycle.objects.filter(pk=cycle.pk).update(
        first_due=None, last_done=TODAY, revision=2, updated_at=timezone.now()
    )
    after = events(parsed(review_calendar(plan=plan, cycles=plan_cycles(plan), now=NOW)))[0]
    assert after["UID"] == before["UID"]
    assert after.decoded("DTSTART") == datetime.date(2027, 11, 26)
    assert after["SEQUENCE"] == 2  # later than the copy calendar apps have


@pytest.mark.django_db
def test_the_calendar_escapes_and_folds_what_planners_typed(plan, add_cycle):
    cycle = add_cycle("Refresh, review; <script>alert(1)</script>", first_due=TODAY)
    awkward_owner = "Dr. Osei, Psychometrics; then\nthe committee <script>x</script> \\ end"
    # The forms refuse line breaks: stored here directly, as an older row might be.
    ReviewCycle.objects.filter(pk=cycle.pk).update(owner=awkward_owner * 3)
    body = review_calendar(plan=plan, cycles=plan_cycles(plan), now=NOW)
    text = body.decode()
    assert "SUMMARY:Review due: Refresh\\, review\\; <script>alert(1)</script> (" in text
    assert "Owner: Dr. Osei\\, Psychometrics\\; then\\nthe committee" in text
    # Folded: no line longer than 75 octets, each continuation starting with a space.
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    event = events(parsed(body))[0]
    assert event["SUMMARY"] == (
        "Review due: Refresh, review; <script>alert(1)</script> (Data Privacy Fundamentals)"
    )
    assert f"Owner: {awkward_owner * 3}\n" in event["DESCRIPTION"]


@pytest.mark.django_db
def test_the_feed_token_is_checked_and_reset(plan, owner):
    feed = calendar_feed_for(plan=plan)
    assert calendar_feed_for(plan=plan).pk == feed.pk  # one per plan
    token = feed_token(feed)
    assert len(token) == 64 and feed.secret not in token
    assert feed_matches(feed, token)
    assert not feed_matches(feed, token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not feed_matches(None, token)
    reset = reset_calendar_feed(plan=plan, user=owner)
    assert not feed_matches(reset, token)
    assert reset.reset_by == owner
