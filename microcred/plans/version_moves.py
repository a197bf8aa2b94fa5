"""Moving a plan to a newer template version, on the plans' side: the move itself is the
template engine's (questionnaires.versions), which knows nothing of plans' records."""

from django.db import transaction

from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.selectors import VersionMove
from microcred.questionnaires.versions import move_plan_to_version

from .activity import record_activity
from .models import Plan, PlanActivity
from .services import display_name


@transaction.atomic
def move_to_version(*, plan: Plan, version: TemplateVersion, user) -> VersionMove:
    """Move the plan (see move_plan_to_version, whose MoveRefused this raises too) and
    record the move in the plan's activity, in the same transaction."""
    move = move_plan_to_version(plan=plan, version=version, user=user)
    record_activity(
        plan=plan,
        actor=user,
        verb=PlanActivity.Verb.VERSION_MOVED,
        summary=f"{display_name(user)} moved the plan to template version {version.number}",
    )
    return move
