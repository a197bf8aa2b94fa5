"""The demo users and the demo plan that `make run` loads."""

from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles
from .answers import save_answer
from .comments import add_comment
from .models import Plan, PlanMembership
from .services import create_plan

DEMO_PLAN_FILE = Path(__file__).resolve().parent / "demo" / "data_privacy_plan.yaml"
DEMO_USERS = (
    # username, first name, last name, group, role on the demo plan
    ("manager", "Maya", "Patel", roles.PROGRAM_MANAGERS, PlanMembership.Role.OWNER),
    ("editor", "Eli", "Okafor", roles.PROGRAM_MANAGERS, PlanMembership.Role.EDITOR),
    ("reviewer", "Rosa", "Lindqvist", roles.COMMITTEE_REVIEWERS, PlanMembership.Role.REVIEWER),
    ("templates", "Tomas", "Berg", roles.TEMPLATE_ADMINS, None),
)


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


@transaction.atomic
def load_demo_data() -> Plan:
    """The demo users (one per role, password `<username>-demo-2026`) and the demo plan,
    most of its questions answered. Safe to run again: existing users and plan are kept."""
    users = {}
    for username, first_name, last_name, group_name, _role in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": group_name == roles.TEMPLATE_ADMINS,
            },
        )
        if created:
            user.set_password(demo_password(username))
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        users[username] = user

    document = yaml.safe_load(DEMO_PLAN_FILE.read_text(encoding="utf-8"))
    owner = users["manager"]
    plan = Plan.objects.filter(title=document["plan"]["title"], created_by=owner).first()
    if plan is not None:
        return plan
    plan = create_plan(user=owner, **document["plan"])
    for username, *_rest, role in DEMO_USERS:
        if role and role != PlanMembership.Role.OWNER:
            PlanMembership.objects.create(plan=plan, user=users[username], role=role)
    questions = {q.key: q for q in plan.template_version.questions.all()}
    for key, value in document["answers"].items():
        save_answer(
            plan=plan, question=questions[key], raw_value=value, base_revision=0, user=owner
        )
    for comment in document.get("comments", []):
        question = questions[comment["question"]]
        add_comment(
            plan=plan,
            user=users[comment["author"]],
            body=comment["body"],
            phase=question.phase,
            question=question,
        )
    return plan
