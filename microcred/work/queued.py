"""What a row of work handed to the workers (an export, an item analysis) says of
itself; the functions that claim, requeue and resend such rows are in outbox.py."""

import datetime
from typing import Any, ClassVar


class QueuedWork:
    """For a model with `status` (Status.QUEUED, Status.RUNNING, …) and `dispatched_at`."""

    Status: ClassVar[Any]
    status: str
    dispatched_at: datetime.datetime | None

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def awaiting_dispatch(self) -> bool:
        """Queued, but the broker has not taken it yet (the workers are busy or down)."""
        return self.status == self.Status.QUEUED and self.dispatched_at is None
