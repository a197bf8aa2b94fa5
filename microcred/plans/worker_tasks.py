"""What the tasks that do one row's queued work (render an export, analyse uploaded
results) share: how they are retried, and how a failure is recorded on the row."""

import logging
from collections.abc import Callable

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Worth retrying: the database or the file storage was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError, OSError)


def work_task_options(*, time_limit: int) -> dict:
    """`shared_task` options: acknowledged when done, so that a worker lost mid-way hands
    the work back; transient errors retried with backoff; stopped after `time_limit`
    seconds, which must stay inside the row's running lease and the broker's visibility
    timeout, so that live work is never delivered twice."""
    return {
        "bind": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": TRANSIENT_ERRORS,
        "retry_backoff": 2,
        "retry_backoff_max": 60,
        "retry_jitter": True,
        "max_retries": 5,
        "soft_time_limit": time_limit - 10,
        "time_limit": time_limit,
    }


def run_work(
    task,
    work: Callable[[], object],
    *,
    fail: Callable[[object], None],
    unavailable,
    too_slow,
    failure: Callable[[BaseException], object],
    what: str,
) -> None:
    """Run `work()` in `task`. A transient error is raised again for Celery to retry, and
    recorded with `fail(unavailable)` once the retries are spent; running out of time is
    recorded with `fail(too_slow)`; anything else is deterministic: logged, and recorded
    with `fail(failure(error))`, without a retry."""
    try:
        work()
    except TRANSIENT_ERRORS:
        if task.request.retries >= task.max_retries:
            fail(unavailable)
        raise
    except SoftTimeLimitExceeded:
        fail(too_slow)
    except Exception as error:
        logger.exception("%s failed", what)
        fail(failure(error))
