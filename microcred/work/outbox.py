"""Handing queued work to Celery once the change that causes it is committed.

What a change calls for is written in its own transaction (a row: an export, an item
analysis, a notification) and only then sent to the broker, on commit. When the broker
refuses, the row stays pending, the request that caused it still succeeds, and the
periodic resend (Celery beat) sends it later: a broker that is down delays work, it
never loses it.

A row of queued work has `status` (see `QueuedWork`), `dispatched_at`, `claimed_by`,
`started_at`, `attempts`, `error` and `finished_at`; a notification has `dispatched_at`
only. Nothing here knows which app's rows it moves.
"""

import datetime
import logging
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

# What publishing raises when the broker is down, unreachable or refuses the connection:
# kombu wraps the transport's errors in its OperationalError; sockets raise OSError.
BROKER_ERRORS = (BrokerOperationalError, OSError)


class Sendable(Protocol):
    """A Celery task, as far as handing work to it goes."""

    name: str

    def delay(self, *args: Any) -> object: ...


def hand_over(task: Sendable, *args: Any) -> bool:
    """Send `task` to the broker; False, logged, when the broker refused it. Never raises
    for a broker fault: the caller has recorded the work and the periodic resend retries."""
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.warning(
            "The broker refused %s%r; it stays pending and will be resent.",
            task.name,
            args,
            exc_info=True,
        )
        return False
    return True


def dispatch(
    rows: models.QuerySet[Any],
    *,
    task: Sendable,
    pk: int,
    previous: datetime.datetime | None = None,
) -> bool:
    """Hand the row `pk` of `rows` (the rows still waiting to be sent) to `task`, if its
    last hand-off is still `previous` (None: never handed over). The conditional update
    lets one of the request and the periodic resend (or two resends) send it, never both;
    when the broker refuses, the claim is undone so that the next resend tries again.
    True when the broker took it."""
    now = timezone.now()
    if not rows.filter(pk=pk, dispatched_at=previous).update(dispatched_at=now):
        return False
    if hand_over(task, pk):
        return True
    rows.model._default_manager.filter(pk=pk, dispatched_at=now).update(dispatched_at=None)
    return False


def dispatch_all(rows: models.QuerySet[Any], *, task: Sendable) -> int:
    """Hand over again every row of `rows`; how many the broker took."""
    return sum(
        dispatch(rows, task=task, pk=pk, previous=dispatched_at)
        for pk, dispatched_at in rows.values_list("pk", "dispatched_at")
    )


def claim(model: type[models.Model], pk: int, *, claimant: str, lease: datetime.timedelta) -> bool:
    """Mark row `pk` of `model` (queued work: an export, an item analysis) as running
    for `claimant` (a task id) if it is queued, already claimed by that same task (a
    retry or a redelivery), or abandoned by a worker gone longer than `lease`. The
    conditional UPDATE lets one claimant win; True when this one did."""
    # Each queued model has a Status of its own (see QueuedWork), unknown to Model's type.
    status = model.Status  # type: ignore[attr-defined]
    queued, running = status.QUEUED, status.RUNNING
    now = timezone.now()
    claimable = Q(status=queued) | Q(status=running, started_at__lt=now - lease)
    if claimant:
        claimable |= Q(status=running, claimed_by=claimant)
    return bool(
        model._default_manager.filter(claimable, pk=pk).update(
            status=running, started_at=now, claimed_by=claimant, attempts=F("attempts") + 1
        )
    )


def requeue_abandoned(
    model: type[models.Model],
    *,
    lease: datetime.timedelta,
    max_attempts: int,
    abandoned_reason: Callable[[dict[str, Any]], str],
) -> list[int]:
    """Requeue the rows of `model` whose worker died (running past `lease`), or fail
    them with `abandoned_reason(row)` (a row of pk, attempts and the rest of the model's
    fields' values) once `max_attempts` runs were started. Each change is conditional on
    the attempts being what was read, so that a claim made meanwhile wins. Returns the
    ids of the rows changed."""
    status = model.Status  # type: ignore[attr-defined]
    objects = model._default_manager
    now = timezone.now()
    changed = []
    for row in objects.filter(status=status.RUNNING, started_at__lt=now - lease).values():
        still_abandoned = objects.filter(
            pk=row["id"], status=status.RUNNING, attempts=row["attempts"]
        )
        name = model._meta.verbose_name
        if row["attempts"] >= max_attempts:
            logger.warning(
                "%s %s abandoned after %s runs; failing it.", name, row["id"], row["attempts"]
            )
            updated = still_abandoned.update(
                status=status.FAILED, error=abandoned_reason(row), finished_at=now
            )
        else:
            logger.warning("%s %s abandoned by its worker; requeuing it.", name, row["id"])
            updated = still_abandoned.update(
                status=status.QUEUED, claimed_by="", started_at=None, dispatched_at=None
            )
        if updated:
            changed.append(row["id"])
    return changed


def resend_refused(model: type[models.Model], *, task: Sendable) -> int:
    """Hand over again the queued rows of `model` that the broker refused or lost (never
    handed over, or longer than REPORT_RESEND_AFTER seconds ago); how many it took."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.REPORT_RESEND_AFTER)
    pending = model._default_manager.filter(
        Q(dispatched_at=None) | Q(dispatched_at__lt=stale),
        status=model.Status.QUEUED,  # type: ignore[attr-defined]
    )
    return dispatch_all(pending, task=task)
