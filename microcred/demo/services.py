"""The demo users and the demo plan that `make run` loads."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils.datastructures import MultiValueDict

from microcred.comments.services import add_comment
from microcred.plans import roles
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan, PlanMembership
from microcred.plans.record_rows import save_record
from microcred.plans.services import create_plan
from microcred.records.registry import REGISTRY
from microcred.records.types import RecordType

DEMO_PLAN_FILE = Path(__file__).resolve().parent / "data" / "data_privacy_plan.yaml"
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
    load_demo_records(plan=plan, user=owner)
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


def load_demo_records(*, plan: Plan, user: User) -> None:
    """Fill the plan's record sets from each phase app's `demo_records.yaml`: a mapping
    from table name to rows, each row the form data a planner would type, naming another
    row (a channel's segment) by what it is called. Rows go through their forms, so a
    demo row is held to what a planner's is. Tables that already have rows are kept."""
    questions = {
        question.record_type: question
        for question in plan.template_version.questions.exclude(record_type="")
    }
    for name, record_type in REGISTRY.items():
        question = questions.get(name)
        source = Path(apps.get_app_config(record_type.app_label).path) / "demo_records.yaml"
        if question is None or not source.exists():
            continue
        rows = (yaml.safe_load(source.read_text(encoding="utf-8")) or {}).get(name.split(".")[1])
        if not rows or record_type.model.objects.filter(plan=plan, question=question).exists():
            continue
        for row in rows:
            save_record(
                plan=plan, question=question, data=demo_form_data(record_type, plan, row), user=user
            )


def demo_form_data(
    record_type: RecordType[Any], plan: Plan, row: Mapping[str, Any]
) -> MultiValueDict[str, object]:
    """A demo row as its form receives it: other rows named by their text become ids."""
    data: MultiValueDict[str, object] = MultiValueDict()
    for field_name, value in row.items():
        model_field = record_type.model._meta.get_field(field_name)
        if model_field.many_to_many or model_field.many_to_one:
            others = {
                str(other): other.pk
                for other in model_field.related_model.objects.filter(plan=plan)
            }
            names = value if isinstance(value, list) else [value]
            data.setlist(field_name, [others[name] for name in names if name])
        else:
            data[field_name] = "" if value is None else str(value)
    return data
