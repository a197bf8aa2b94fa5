"""What webhooks does with the plans' signals (plans.signals): no more than handing them to
the service."""

from typing import Any

from microcred.plans.models import Plan

from .services import record_plan_event


def on_plan_event(
    sender: type, *, plan: Plan, event: str, subject: Any = None, **kwargs: Any
) -> None:
    record_plan_event(plan=plan, event=event, subject=subject)
