"""More demo plans, in both demo organizations and in every state, so that `make run`
shows a portfolio, two committees at work, and that neither organization sees the other."""

from decimal import Decimal

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from microcred.plans.answers import save_answer
from microcred.plans.models import Plan, PlanMembership
from microcred.plans.services import create_plan
from microcred.review.services import decide_review, submit_for_review

from .services import DEMO_PLAN_FILE, NORTHBRIDGE, SOUTHGATE, demo_organization, load_demo_records

Status = Plan.Status
DEMO_PORTFOLIO = (
    # title, organization, owner, reviewer, status, share of the answers, discount rate (%)
    ("Records Retention Essentials", NORTHBRIDGE, "editor", "reviewer", Status.IN_REVIEW, 0.9, 5),
    (
        "Privacy Impact Assessment Practice",
        NORTHBRIDGE,
        "manager",
        "reviewer",
        Status.APPROVED,
        1,
        8,
    ),
    (
        "Digital Accessibility Foundations",
        SOUTHGATE,
        "sgmanager",
        "sgreviewer",
        Status.DRAFT,
        0.4,
        6,
    ),
    (
        "Learning Analytics for Tutors",
        SOUTHGATE,
        "sgmanager",
        "sgreviewer",
        Status.CHANGES_REQUESTED,
        0.8,
        4,
    ),
    ("Inclusive Assessment Design", SOUTHGATE, "sgadmin", "sgreviewer", Status.APPROVED, 1, 7),
)
CHANGES_REASON = "Show how the tutors' consent to analytics is recorded, then send it back."


@transaction.atomic
def load_demo_portfolio() -> list[Plan]:
    """The plans of DEMO_PORTFOLIO, each with a share of the demo plan's answers, all its
    tables, and its review taken to the state named. Plans already there are kept."""
    document = yaml.safe_load(DEMO_PLAN_FILE.read_text(encoding="utf-8"))
    answers = list(document["answers"].items())
    users = {user.username: user for user in get_user_model().objects.all()}
    plans = []
    for title, organization, owner, reviewer, status, share, rate in DEMO_PORTFOLIO:
        plan = Plan.objects.filter(title=title).first()
        if plan is None:
            plan = create_plan(
                title=title,
                organization=demo_organization(organization),
                summary=f"A demo plan of {organization}.",
                discount_rate=Decimal(rate),
                user=users[owner],
            )
            PlanMembership.objects.create(
                plan=plan, user=users[reviewer], role=PlanMembership.Role.REVIEWER
            )
            questions = {q.key: q for q in plan.template_version.questions.all()}
            for key, value in answers[: round(len(answers) * share)]:
                save_answer(
                    plan=plan,
                    question=questions[key],
                    raw_value=value,
                    base_revision=0,
                    user=users[owner],
                )
            load_demo_records(plan=plan, user=users[owner])
            _review(plan, owner=users[owner], reviewer=users[reviewer], status=status)
        plans.append(plan)
    return plans


def _review(plan: Plan, *, owner, reviewer, status: str) -> None:
    if status == Status.DRAFT:
        return
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    if status == Status.APPROVED:
        decide_review(plan=plan, user=reviewer, decision="approved")
    elif status == Status.CHANGES_REQUESTED:
        decide_review(plan=plan, user=reviewer, decision="changes_requested", reason=CHANGES_REASON)
