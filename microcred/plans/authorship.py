"""Who has written in a plan: the one rule that keeps its authors from reviewing it.

Writing is anything that changes what the plan says, whatever has been written over it
since: an answer (the current one or any revision in its history), a row of any of its
tables (added, changed, moved or deleted, as the row's history keeps it; marking a review
done is a change of its row), and what the plan's activity records as written, such as
an uploaded file of assessment results. Reading the traces rather than the current state
matters: the owner who changes a row after a co-author takes over the table's answer, but
not what the co-author wrote.
"""

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from microcred.records.models import PlanRecord
from microcred.records.registry import REGISTRY

from .models import Answer, PlanActivity

# What the activity records that changes the plan's content outside answers and rows.
WRITING_VERBS = (PlanActivity.Verb.RESULTS_UPLOADED,)


def _row_models() -> list[type[PlanRecord]]:
    """The models of every table's rows, each once (record types may share a model)."""
    models = {record_type.model for record_type in REGISTRY.values()}
    return sorted(models, key=lambda model: model._meta.label)


def _written_by(history: Any, *, plan_id: int) -> Exists:
    """Whether a history (of the plan's answers, or of one table's rows) names the user of
    the outer query: as who made a change, or as who wrote the revision it kept."""
    user = OuterRef("pk")
    return Exists(
        history.filter(plan_id=plan_id).filter(Q(history_user_id=user) | Q(updated_by_id=user))
    )


def written_in_plan(*, plan_id: int) -> ExpressionWrapper:
    """A boolean expression for a query of users: whether each has written anything in
    the plan. One EXISTS per kind of trace, all in the query it is part of."""
    user = OuterRef("pk")
    traces = [
        Exists(Answer.objects.filter(plan_id=plan_id, updated_by_id=user)),
        _written_by(Answer.history, plan_id=plan_id),
        *(_written_by(model.history, plan_id=plan_id) for model in _row_models()),
        Exists(PlanActivity.objects.filter(plan_id=plan_id, actor_id=user, verb__in=WRITING_VERBS)),
    ]
    return ExpressionWrapper(reduce(or_, (Q(trace) for trace in traces)), BooleanField())
