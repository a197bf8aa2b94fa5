"""The review calendar on the Maintenance page, the dashboard and in the PDF; the calendar
file, the secret subscription link and its reset; marking a review done."""

import datetime
import html

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from maintenance.calendar import feed_token, feed_url
from maintenance.models import ReviewCalendarFeed, ReviewCycle
from maintenance.services import calendar_feed_for, mark_review_done
from maintenance.views import LINK_RESET, ONLY_OWNER_RESETS
from microcred.plans.record_rows import RecordConflict, RecordsLocked
from microcred.reports.models import ReportExport
from microcred.reports.rendering import render_export
from microcred.review.services import submit_for_review
from tests.factories import PlanFactory
from tests.maintenance.calendar_helpers import TODAY, days
from tests.reports.conftest import export_text

pytestmark = pytest.mark.django_db


def maintenance_url(plan):
    return reverse("plans:phase", args=[plan.pk, "maintenance"])


def page(client, plan, user) -> str:
    client.force_login(user)
    return client.get(maintenance_url(plan)).content.decode()


def panel_of(content: str) -> str:
    start = content.index('id="panel-maintenance-review-calendar"')
    return content[start : content.index("</section>", start)]


@pytest.fixture
def cycles(add_cycle):
    return [
        add_cycle("Exam form refresh", first_due=TODAY + days(12)),
        add_cycle("Program impact review", every_months=1, last_done=datetime.date(2026, 10, 23)),
        add_cycle("Regulatory scan", every_months=6, first_due=TODAY),
        add_cycle("Blueprint revalidation", every_months=36),
    ]


# The calendar file and the secret link.


def test_a_member_downloads_the_calendar(client, plan, viewer, cycles):
    client.force_login(viewer)
    response = client.get(reverse("maintenance:calendar_download", args=[plan.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="data-privacy-fundamentals-reviews.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    assert sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT")) == [
        "Review due: Exam form refresh (Data Privacy Fundamentals)",
        "Review due: Program impact review (Data Privacy Fundamentals)",
        "Review due: Regulatory scan (Data Privacy Fundamentals)",
    ]


def test_an_outsider_gets_404_for_the_calendar(client, plan, outsider, cycles):
    client.force_login(outsider)
    response = client.get(reverse("maintenance:calendar_download", args=[plan.pk]))
    assert response.status_code == 404
    assert b"Exam form refresh" not in response.content


def test_the_secret_link_works_without_logging_in(client, plan, cycles):
    feed = calendar_feed_for(plan=plan)
    response = client.get(feed_url(feed).removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-cache"
    assert response["X-Robots-Tag"] == "noindex"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert "Review due: Regulatory scan (Data Privacy Fundamentals)" in [
        str(event["SUMMARY"]) for event in events
    ]


def test_a_wrong_token_or_another_plans_token_gets_404(client, plan, cycles, template_version):
    other = PlanFactory(template_version=template_version)
    token = feed_token(calendar_feed_for(plan=other))
    for plan_id, wrong in [(plan.pk, token), (plan.pk, "x" * 64), (other.pk + 1000, token)]:
        url = reverse("maintenance:calendar_feed", args=[plan_id, wrong])
        assert client.get(url).status_code == 404


def test_the_owner_resets_the_link_and_the_old_one_answers_404(client, plan, owner, cycles):
    old_url = feed_url(calendar_feed_for(plan=plan)).removeprefix("http://127.0.0.1:8000")
    client.force_login(owner)
    response = client.post(reverse("maintenance:calendar_reset", args=[plan.pk]), follow=True)
    content = response.content.decode()
    assert LINK_RESET in html.unescape(content)
    new_url = feed_url(ReviewCalendarFeed.objects.get(plan=plan))
    assert new_url != old_url
    assert f'value="{new_url}"' in content
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(new_url.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_only_the_owner_resets_the_link(client, plan, editor, cycles):
    feed = calendar_feed_for(plan=plan)
    client.force_login(editor)
    response = client.post(reverse("maintenance:calendar_reset", args=[plan.pk]))
    assert response.status_code == 403
    assert ONLY_OWNER_RESETS in html.unescape(response.content.decode())
    assert ReviewCalendarFeed.objects.get(plan=plan).secret == feed.secret


def test_resetting_needs_a_post(client, plan, owner):
    client.force_login(owner)
    assert client.get(reverse("maintenance:calendar_reset", args=[plan.pk])).status_code == 405


# The panel on the Maintenance page.


def test_the_panel_lists_the_reviews_nearest_first(client, plan, owner, cycles):
    panel = panel_of(page(client, plan, owner))
    names = ["Program impact review", "Regulatory scan", "Exam form refresh"]
    assert [panel.index(name) for name in names] == sorted(panel.index(name) for name in names)
    assert "26 November 2026<span" in panel and "due today" in panel
    assert "23 November 2026" in panel and "overdue by 3 days" in panel
    assert "8 December 2026" in panel and "due in 12 days" in panel
    assert "No due date yet: give its first due date, or when it was last done." in panel
    assert "Next due dates, nearest first, as of 26 November 2026." in panel


def test_the_panel_follows_the_review_cycles_table(client, plan, owner, cycles):
    content = page(client, plan, owner)
    panel_at = content.index('id="panel-maintenance-review-calendar"')
    assert content.index('id="q-review_cycles"') < panel_at
    assert panel_at < content.index('id="q-tracked_metrics_and_access"')


def test_only_the_owner_sees_the_secret_link(client, plan, owner, editor, viewer, cycles):
    owner_panel = panel_of(page(client, plan, owner))
    link = feed_url(ReviewCalendarFeed.objects.get(plan=plan))
    assert (
        f'<input class="form-control form-control-sm font-monospace" id="review-calendar-link" '
        f'type="text" readonly value="{link}" aria-describedby="review-calendar-link-help">'
    ) in owner_panel
    assert f'href="{link.replace("http:", "webcal:", 1)}"' in owner_panel
    assert 'form="review-calendar-reset"' in owner_panel
    for member in (editor, viewer):
        panel = panel_of(page(client, plan, member))
        assert "review-calendar-link" not in panel and "review-calendar-reset" not in panel
        assert feed_token(ReviewCalendarFeed.objects.get(plan=plan)) not in panel
        assert "Download the review calendar (.ics)" in panel


def test_writers_get_a_mark_done_button_and_viewers_none(client, plan, editor, viewer, cycles):
    content = page(client, plan, editor)
    first = cycles[0]
    assert (
        f'<button type="submit" class="btn btn-sm btn-outline-primary" '
        f'form="review-done-{first.pk}" name="revision" value="1">Mark done today'
    ) in content
    # Its form is outside the answers form, which would otherwise send every answer.
    form_at = content.index(f'<form id="review-done-{first.pk}" method="post"')
    assert form_at > content.index("</form>", content.index('class="phase-form"'))
    assert "Mark done today" not in page(client, plan, viewer)


def test_the_maintenance_page_reads_the_panel_in_constant_queries(
    client, plan, owner, add_cycle, cycles, django_assert_num_queries
):
    client.force_login(owner)
    client.get(maintenance_url(plan))  # the feed is made on the first visit
    cache.clear()  # count what rendering the page takes, not a cached copy
    with CaptureQueriesContext(connection) as counted:
        client.get(maintenance_url(plan))
    with_four = len(counted.captured_queries)
    for number in range(6):
        add_cycle(f"Extra review {number}", first_due=TODAY + days(number + 30))
    cache.clear()
    with django_assert_num_queries(with_four):
        content = client.get(maintenance_url(plan)).content.decode()
    assert "Extra review 5" in panel_of(content)


def test_no_panel_without_review_cycles(client, plan, owner, today):
    assert "panel-maintenance-review-calendar" not in page(client, plan, owner)
    assert not ReviewCalendarFeed.objects.exists()


# Marking a review done.


def mark_done_url(plan, cycle):
    return reverse("maintenance:review_done", args=[plan.pk, cycle.pk])


def test_marking_a_review_done_sets_its_dates(client, plan, editor, cycles):
    cycle = cycles[0]
    client.force_login(editor)
    response = client.post(mark_done_url(plan, cycle), {"revision": "1"}, follow=True)
    assert response.redirect_chain == [
        (f"{maintenance_url(plan)}#panel-maintenance-review-calendar", 302)
    ]
    assert "“Exam form refresh” marked done today; next due 26 November 2027." in (
        response.content.decode()
    )
    cycle.refresh_from_db()
    assert (cycle.last_done, cycle.first_due, cycle.revision) == (TODAY, None, 2)
    assert cycle.updated_by == editor
    history = list(cycle.history.order_by("history_date").values_list("last_done", flat=True))
    assert history == [None, TODAY]
    assert f'form="review-done-{cycle.pk}"' not in response.content.decode()
    assert "Done today" in panel_of(response.content.decode())


def test_marking_done_twice_in_a_day_changes_nothing(plan, owner, cycles):
    cycle = cycles[0]
    first = mark_review_done(plan=plan, cycle_id=cycle.pk, base_revision=1, user=owner)
    again = mark_review_done(plan=plan, cycle_id=cycle.pk, base_revision=2, user=owner)
    assert (first.changed, again.changed) == (True, False)
    assert ReviewCycle.objects.get(pk=cycle.pk).revision == 2


def test_marking_done_from_an_old_revision_is_refused(client, plan, owner, editor, cycles):
    cycle = cycles[0]
    mark_review_done(plan=plan, cycle_id=cycle.pk, base_revision=1, user=owner)
    with pytest.raises(RecordConflict, match="Olivia Owner changed this review cycle at "):
        mark_review_done(plan=plan, cycle_id=cycle.pk, base_revision=1, user=editor)
    client.force_login(editor)
    response = client.post(mark_done_url(plan, cycles[1]), {"revision": "7"}, follow=True)
    assert "Olivia Owner changed this review cycle at " in response.content.decode()
    assert ReviewCycle.objects.get(pk=cycles[1].pk).last_done == datetime.date(2026, 10, 23)


def test_marking_done_is_refused_while_the_plan_is_in_review(client, plan, owner, cycles):
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    plan.refresh_from_db()
    with pytest.raises(RecordsLocked):
        mark_review_done(plan=plan, cycle_id=cycles[0].pk, base_revision=1, user=owner)
    client.force_login(owner)
    response = client.post(mark_done_url(plan, cycles[0]), {"revision": "1"}, follow=True)
    assert plan.answers_lock_reason in html.unescape(response.content.decode())
    assert ReviewCycle.objects.get(pk=cycles[0].pk).last_done is None
    assert "Mark done today" not in response.content.decode()


def test_a_missing_revision_is_a_400_with_a_reason(client, plan, owner, cycles):
    client.force_login(owner)
    response = client.post(mark_done_url(plan, cycles[0]), {"revision": "one"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "The review cycle's revision is missing or not a number. Reload the page."
    )


def test_another_plans_cycle_is_gone(client, plan, owner, add_cycle, template_version):
    theirs = PlanFactory(template_version=template_version, created_by=owner)
    cycle = add_cycle("Their review", first_due=TODAY, on_plan=theirs)
    client.force_login(owner)
    response = client.post(mark_done_url(plan, cycle), {"revision": "1"}, follow=True)
    assert "This review cycle was deleted by someone else. Reload the page." in (
        response.content.decode()
    )
    assert ReviewCycle.objects.get(pk=cycle.pk).last_done is None


# The dashboard and the PDF.


def test_the_dashboard_lists_the_reviews_due_nearest_first(
    client, plan, owner, add_cycle, cycles, django_assert_num_queries
):
    client.force_login(owner)
    cache.clear()
    with django_assert_num_queries(22):  # rendered: readiness, reviews due, saved export options
        content = client.get(plan.get_absolute_url()).content.decode()
    section = content[content.index('id="reviews-due-heading"') :]
    section = section[: section.index("</section>")]
    lines = [" ".join(line.split()) for line in section.split("<li")[1:]]
    assert [line.split("</li>")[0] for line in lines] == [
        'class="mb-1"><span class="fw-semibold">Program impact review</span>: '
        '<span class="text-danger-emphasis fw-semibold">overdue by 3 days</span> '
        '<span class="small text-body-secondary">(23 November 2026)</span>',
        'class="mb-1"><span class="fw-semibold">Regulatory scan</span>: <span>due today</span> '
        '<span class="small text-body-secondary">(26 November 2026)</span>',
        'class="mb-1"><span class="fw-semibold">Exam form refresh</span>: <span>due in 12 days'
        '</span> <span class="small text-body-secondary">(8 December 2026)</span>',
    ]
    calendar_link = f'<a href="{maintenance_url(plan)}#panel-maintenance-review-calendar">'
    assert f"{calendar_link}Review calendar</a>" in section
    for number in range(4):
        add_cycle(f"Later review {number}", first_due=TODAY + days(100 + number))
    with django_assert_num_queries(21):  # the same with four more reviews (site roles known)
        content = client.get(plan.get_absolute_url()).content.decode()
    assert "Later review 1" in content and "Later review 2" not in content
    assert "2 more reviews in the review calendar</a>" in content


def test_the_dashboard_has_no_reviews_due_without_dated_cycles(client, plan, owner, add_cycle):
    add_cycle("Blueprint revalidation", every_months=36)
    client.force_login(owner)
    assert "Reviews due" not in client.get(plan.get_absolute_url()).content.decode()


def test_the_pdf_shows_the_review_calendar(plan, owner, cycles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    text = export_text(render_export(export_id=export.pk))
    assert "Review calendar Review Owner Every (months) Next due Then" in text
    assert "Regulatory scan Exam development committee 6 26 November 2026 (due today)" in text
    assert "Exam form refresh Exam development committee 12 8 December 2026 (due in 12 days)" in (
        text
    )
    assert "Due dates as of 26 November 2026" in text


def test_typed_text_is_escaped_on_the_page_and_the_dashboard(client, plan, owner, add_cycle):
    add_cycle("<script>alert(1)</script>", owner_text="<b>Osei</b> & co", first_due=TODAY + days(3))
    panel = panel_of(page(client, plan, owner))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel and "<script>" not in panel
    assert "&lt;b&gt;Osei&lt;/b&gt; &amp; co" in panel
    dashboard = client.get(plan.get_absolute_url()).content.decode()
    assert '<span class="fw-semibold">&lt;script&gt;alert(1)&lt;/script&gt;</span>' in dashboard
    assert "<script>alert(1)" not in dashboard
