"""The review calendar: when each review cycle is next due, said relative to today, and
the plan's calendar feed (RFC 5545) with one recurring all-day event per review cycle.

Dates are the installation's local dates (`timezone.localdate()`, TIME_ZONE); the
functions that compute them take `today` so that tests and reminders pass their own."""

import datetime
from dataclasses import dataclass
from typing import TypeGuard
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import slugify
from icalendar import Calendar, Event, vDuration

from microcred.questionnaires.kinds import date_text
from microcred.site_url.address import absolute_url, site_url

from .apps import MaintenanceConfig
from .models import ReviewCalendarFeed, ReviewCycle, months_after

PRODUCT_ID = "-//Microcred Planner//Review calendar//EN"
# How often subscribed calendar apps are asked to fetch the feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=12)
# Keeps these HMACs apart from any other made with SECRET_KEY.
FEED_HMAC_SALT = "maintenance.review_calendar_feed"
PANEL_ANCHOR = "panel-maintenance-review-calendar"


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def due_phrase(*, due: datetime.date, today: datetime.date) -> str:
    """ "due in 12 days", "due today", "overdue by 3 days"."""
    days_left = (due - today).days
    if days_left == 0:
        return "due today"
    if days_left > 0:
        return f"due in {_days(days_left)}"
    return f"overdue by {_days(-days_left)}"


@dataclass(frozen=True)
class DueReview:
    """A review cycle with its next due date, as of `today`."""

    cycle: ReviewCycle
    due: datetime.date | None
    today: datetime.date

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - self.today).days

    @property
    def phrase(self) -> str:
        return "" if self.due is None else due_phrase(due=self.due, today=self.today)

    @property
    def due_text(self) -> str:
        return date_text(self.due) if self.due else ""

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def done_today(self) -> bool:
        return self.cycle.last_done == self.today

    @property
    def following_due(self) -> datetime.date | None:
        """When it comes back if it is done on its due date."""
        return None if self.due is None else months_after(self.due, self.cycle.every_months)


def due_reviews(cycles, *, today: datetime.date) -> list[DueReview]:
    """The cycles with their next due dates, nearest first (overdue ones first of all),
    then those with no due date yet, in their table's order."""
    reviews = [DueReview(cycle=cycle, due=cycle.next_due, today=today) for cycle in cycles]
    return sorted(reviews, key=lambda review: (review.due is None, review.due or datetime.date.min))


def plan_review_cycles(plan):
    """The plan's review cycles, in their table's order (one query)."""
    return ReviewCycle.objects.filter(plan=plan).order_by("position", "pk")


# The dashboard lists this many reviews, nearest first; the Maintenance page has them all.
DASHBOARD_REVIEWS = 5


@dataclass(frozen=True)
class ReviewsDue:
    """The dashboard's "Reviews due" list."""

    reviews: list[DueReview]
    more: int  # dated reviews beyond those listed
    url: str  # where they all are


def reviews_due_for_dashboard(plan, *, today: datetime.date) -> ReviewsDue:
    """The plan's reviews that have a due date, nearest first, at most DASHBOARD_REVIEWS
    of them (one query)."""
    dated = [review for review in due_reviews(plan_review_cycles(plan), today=today) if review.due]
    return ReviewsDue(
        reviews=dated[:DASHBOARD_REVIEWS],
        more=max(len(dated) - DASHBOARD_REVIEWS, 0),
        url=maintenance_page_url(plan),
    )


def maintenance_page_url(plan) -> str:
    path = reverse(
        "plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": MaintenanceConfig.phase_slug}
    )
    return f"{path}#{PANEL_ANCHOR}"


# The feed.


def feed_token(feed: ReviewCalendarFeed) -> str:
    return salted_hmac(
        FEED_HMAC_SALT, f"{feed.plan_id}:{feed.secret}", algorithm="sha256"
    ).hexdigest()


def feed_matches(feed: ReviewCalendarFeed | None, token: str) -> TypeGuard[ReviewCalendarFeed]:
    """Whether `token` is the feed's current one, compared in constant time (never for
    no feed)."""
    return feed is not None and constant_time_compare(feed_token(feed), token)


def feed_url(feed: ReviewCalendarFeed) -> str:
    """The feed's secret address, absolute (calendar apps fetch it from elsewhere)."""
    return absolute_url(
        reverse(
            "maintenance:calendar_feed",
            kwargs={"plan_id": feed.plan_id, "token": feed_token(feed)},
        )
    )


def webcal_url(url: str) -> str:
    """The same address as a webcal: link, which browsers hand to the calendar app."""
    return "webcal:" + url.split(":", 1)[1]


def calendar_filename(plan) -> str:
    return f"{slugify(plan.title) or 'plan'}-reviews.ics"


def cycle_uid(cycle: ReviewCycle) -> str:
    """The same for a cycle in every download, so that calendar apps update its event
    rather than add another."""
    host = urlsplit(site_url()).hostname or "microcred-planner"
    return f"review-cycle-{cycle.pk}@{host}"


def recurrence(*, start: datetime.date, every_months: int) -> dict:
    """The RRULE of a review coming back every `every_months` from `start`.

    A monthly rule skips the months that lack the start's day (a review due on the 31st
    would vanish from February, April ...); from the 29th on, the rule takes the latest of
    the days from the 28th to the start's that the month has, which is the start's day or
    the month's last day, as `months_after` counts."""
    rule = {"freq": "monthly", "interval": every_months}
    if start.day > 28:
        rule |= {"bymonthday": list(range(28, start.day + 1)), "bysetpos": -1}
    return rule


def review_event(*, plan, cycle: ReviewCycle, due: datetime.date, now: datetime.datetime) -> Event:
    owner = cycle.owner.strip() or "no owner named yet"
    event = Event()
    event.add("uid", cycle_uid(cycle))
    event.add("dtstamp", now)
    event.add("sequence", cycle.revision)
    event.add("last-modified", cycle.updated_at)
    event.add("dtstart", due)
    event.add("dtend", due + datetime.timedelta(days=1))
    event.add("rrule", recurrence(start=due, every_months=cycle.every_months))
    event.add("summary", f"Review due: {cycle.name} ({plan.title})")
    event.add(
        "description",
        f"Plan: {plan.title} ({plan.organization})\n"
        f"Review: {cycle.name}\n"
        f"What is reviewed: {cycle.area_text}\n"
        f"Owner: {owner}\n"
        f"Every {cycle.every_months} month{'' if cycle.every_months == 1 else 's'}\n"
        f"Mark it done on the Maintenance page: {absolute_url(maintenance_page_url(plan))}",
    )
    event.add("url", absolute_url(maintenance_page_url(plan)))
    # A reminder of work to do, not time taken: free/busy searches ignore it.
    event.add("transp", "TRANSPARENT")
    return event


def review_calendar(*, plan, cycles, now: datetime.datetime) -> bytes:
    """The plan's review calendar as an iCalendar file: one recurring all-day event per
    review cycle that has a due date, starting on it."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", f"Reviews: {plan.title}")
    calendar.add("x-wr-calname", f"Reviews: {plan.title}")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    # Outlook's older name for it; an unknown property, so written out as a duration here.
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL).to_ical().decode())
    for cycle in cycles:
        due = cycle.next_due
        if due is not None:
            calendar.add_component(review_event(plan=plan, cycle=cycle, due=due, now=now))
    return calendar.to_ical()
