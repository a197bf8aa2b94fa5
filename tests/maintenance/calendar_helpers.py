"""Review cycles for the review calendar's tests, saved as planners save them, on a fixed
today."""

import datetime

import pytest
from django.utils import timezone

from microcred.plans.record_rows import save_record

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def today(monkeypatch):
    """Today is TODAY for every caller of timezone.localdate() (the forms' checks, the
    panel, the dashboard, the reminders)."""
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr(timezone, "localdate", localdate)
    return TODAY


@pytest.fixture
def add_cycle(plan, owner, template_version, today):
    """`add_cycle(name, ...)`: a review cycle saved through its form by the owner."""
    question = template_version.questions.get(key="review_cycles")

    def add(
        name,
        *,
        every_months=12,
        owner_text="Exam development committee",
        last_done=None,
        first_due=None,
        area="content",
        on_plan=None,
    ):
        data = {
            "name": name,
            "area": area,
            "area_other": "",
            "every_months": str(every_months),
            "owner": owner_text,
            "last_done": last_done.isoformat() if last_done else "",
            "first_due": first_due.isoformat() if first_due else "",
        }
        target = on_plan or plan
        return save_record(
            plan=target,
            question=question,
            data=data,
            user=target.created_by,
        ).record

    return add


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)
