"""What the tasks that do one row's queued work (render an export, analyse uploaded
results) share: how they are retried, and how a failure is told to the row's app."""

import enum
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ConnectionError as StorageConnectionError
from botocore.exceptions import HTTPClientError as StorageHTTPClientError
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Worth retrying: the database or the file storage was briefly unreachable (an S3 bucket's
# connection errors are botocore's own classes, not OSError).
TRANSIENT_ERRORS = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
    OSError,
    StorageConnectionError,
    StorageHTTPClientError,
)
# PostgreSQL's errors of these SQLSTATE classes recur with the same input, though Django
# raises them as OperationalError: 54, a program limit exceeded (a jsonb value over 256 MB,
# a string over 1 GB).
DETERMINISTIC_SQLSTATE_CLASSES = frozenset({"54"})


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may succeed: one of TRANSIENT_ERRORS, unless the
    database said that the same statement fails the same way every time."""
    if not isinstance(error, TRANSIENT_ERRORS):
        return False
    sqlstate = getattr(error.__cause__, "pgcode", None) or ""
    return sqlstate[:2] not in DETERMINISTIC_SQLSTATE_CLASSES


def work_task_options(*, time_limit: int) -> dict[str, Any]:
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


# Worth retrying an e-mail for: the mail server or the database was briefly unreachable.
# Anything else (a malformed header, say) fails the same way every time.
TRANSIENT_MAIL_ERRORS = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    OperationalError,
    InterfaceError,
)


def mail_task_options() -> dict[str, Any]:
    """`shared_task` options for sending e-mail: transient errors retried with backoff,
    the longest wait below the broker's visibility timeout (a retry waiting longer would
    be delivered again)."""
    return {
        "autoretry_for": TRANSIENT_MAIL_ERRORS,
        "retry_backoff": 5,
        "retry_backoff_max": 120,
        "retry_jitter": True,
        "max_retries": 5,
    }


class FailureKind(enum.Enum):
    UNAVAILABLE = "unavailable"  # the database or storage stayed unreachable past the retries
    TOO_SLOW = "too slow"  # stopped at the task's time limit
    ERROR = "error"  # anything else: the same input fails the same way again


@dataclass(frozen=True)
class WorkFailure:
    """Why a run of queued work failed, for its app to put in words its users can act on."""

    kind: FailureKind
    error: BaseException
    time_limit: int  # seconds


class RunningTask(Protocol):
    """A bound Celery task, as far as `run_work` reads it."""

    max_retries: int | None
    time_limit: int | None

    @property
    def request(self) -> Any: ...


def run_work(
    task: RunningTask,
    work: Callable[[], object],
    *,
    fail: Callable[[WorkFailure], None],
    what: str,
) -> None:
    """Run `work()` in `task`. A transient error (`is_transient`) is raised again for
    Celery to retry, and recorded with `fail` once the retries are spent; running out of
    time is recorded; anything else is deterministic: logged, and recorded without a
    retry."""
    time_limit = task.time_limit or 0
    try:
        work()
    except SoftTimeLimitExceeded as error:
        fail(WorkFailure(FailureKind.TOO_SLOW, error, time_limit))
    except Exception as error:
        if not is_transient(error):
            logger.exception("%s failed", what)
            fail(WorkFailure(FailureKind.ERROR, error, time_limit))
            return
        if task.request.retries >= (task.max_retries or 0):
            fail(WorkFailure(FailureKind.UNAVAILABLE, error, time_limit))
        raise
