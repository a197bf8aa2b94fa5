"""The plan's activity record: who did what, when, in words a person reads."""

from .models import Plan, PlanActivity


def record_activity(*, plan: Plan, actor, verb: str, summary: str) -> PlanActivity:
    """Record what just happened to the plan. Called by the service that makes the change,
    inside its transaction, so that the record and the change stand or fall together."""
    return PlanActivity.objects.create(
        plan=plan, actor=actor, verb=PlanActivity.Verb(verb), summary=summary[:500]
    )
