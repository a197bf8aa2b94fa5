"""Who may review a plan, beyond their role on it: a committee member of its
organization who has written nothing in it (nobody approves their own plan)."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef

from microcred.organizations.models import OrganizationMembership

from .authorship import written_in_plan
from .models import Plan

# The same words whether the address is unknown, ambiguous or a non-committee account, so
# that the members form does not tell which addresses have accounts.
REVIEWER_NEEDS_COMMITTEE = (
    "Only members of the committee of the plan's organization can review it; ask one of its "
    "organization admins to add them to the committee."
)


def author_cannot_review(name: str) -> str:
    return f"{name} has written in this plan, so they cannot review it."


@dataclass(frozen=True)
class ReviewerFacts:
    """What decides whether a user may review a plan, beyond their role on it."""

    is_committee_member: bool
    has_written_in_plan: bool


# Where the plan's, the user's and the organization's ids go in the reviewer facts' compiled
# query: no row has a negative id, so no other value in it is one of these.
_PLAN_ID, _USER_ID, _ORGANIZATION_ID = -1, -2, -3


@cache
def _reviewer_facts_query() -> tuple[str, tuple[Any, ...]]:
    """The reviewer facts' SQL and parameters, compiled once per process: the query is the
    same for every plan and user but for their ids, and the ORM takes some 20 ms to build
    and compile its two dozen subqueries (one per table that keeps who wrote)."""
    query = (
        get_user_model()
        .objects.filter(pk=_USER_ID)
        .values_list(
            Exists(
                OrganizationMembership.objects.filter(
                    user=OuterRef("pk"),
                    organization_id=_ORGANIZATION_ID,
                    role=OrganizationMembership.Role.COMMITTEE_MEMBER,
                )
            ),
            written_in_plan(plan_id=_PLAN_ID),
        )
    )
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


def reviewer_facts(*, user, plan: Plan) -> ReviewerFacts:
    """Whether the user is on the committee of the plan's organization and whether they ever
    wrote anything in the plan (authorship.written_in_plan), in one query."""
    sql, params = _reviewer_facts_query()
    ids = {_PLAN_ID: plan.pk, _USER_ID: user.pk, _ORGANIZATION_ID: plan.organization_id}
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids.get(param, param) for param in params])
        row = cursor.fetchone()
    committee, has_written = row or (False, False)
    return ReviewerFacts(is_committee_member=bool(committee), has_written_in_plan=bool(has_written))


def reviewer_refusal(*, user, plan: Plan, facts: ReviewerFacts | None = None) -> str:
    """Why the user may not be made a reviewer of the plan ("" when they may)."""
    facts = facts or reviewer_facts(user=user, plan=plan)
    if not facts.is_committee_member:
        return REVIEWER_NEEDS_COMMITTEE
    if facts.has_written_in_plan:
        return author_cannot_review(user.get_full_name() or user.username)
    return ""


def reviewers_frozen(plan: Plan) -> bool:
    """While a plan is in review its reviewers stay as they were when it was submitted:
    otherwise the owner could swap in a friendlier reviewer mid-round."""
    return plan.status == Plan.Status.IN_REVIEW
