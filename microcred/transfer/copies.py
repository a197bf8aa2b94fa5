"""A new plan from an earlier one: its answers and tables, exported and imported again
(one code path with importing a file), onto the earlier plan's template version."""

from django.contrib.auth.models import User

from microcred.plans.models import Plan

from .file_limits import count_problems
from .import_report import ImportReport
from .imports import import_plan
from .plan_json import ANSWERS_AND_TABLES, plan_document
from .problems import ImportRefused

# Comments, reviews, history and exports stay with the earlier plan.
COPIED = ANSWERS_AND_TABLES
TITLE_MAX = Plan._meta.get_field("title").max_length


def copy_title(plan: Plan) -> str:
    """The title a copy is offered: "Copy of <title>", within a title's length."""
    return f"Copy of {plan.title}"[:TITLE_MAX]


def copy_plan(*, plan: Plan, user: User, title: str, organization: str = "") -> ImportReport:
    """A new draft plan owned by `user`, titled `title`, with the answers and rows of
    `plan` on its template version. What the copy could not place (a row saved before a
    rule it no longer meets, say) is in the report. The copy is for `organization` (by
    name; by default the plan's). Raises ImportRefused, storing nothing,
    when the plan has more rows or answers than an import may place."""
    document = plan_document(plan=plan, options=COPIED)
    too_many = count_problems(document, subject="This plan", whole="a copy")
    if too_many:
        raise ImportRefused(too_many)
    return import_plan(
        document=document,
        user=user,
        title=title,
        template_version=plan.template_version,
        copied_from=plan,
        organization=organization,
    )
