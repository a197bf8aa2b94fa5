from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.services import save_answer

from . import roles
from .models import Plan, PlanMembership


class NoPublishedTemplate(Exception):
    pass


def latest_published_version() -> TemplateVersion:
    version = (
        TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise NoPublishedTemplate(
            "No question template is published yet. Ask a template admin to publish one."
        )
    return version


@transaction.atomic
def create_plan(*, title: str, organization: str, summary: str = "", user) -> Plan:
    """A new plan on the latest published template version, owned by `user`."""
    plan = Plan(
        title=title.strip(),
        slug=slugify(title)[:200] or "plan",
        organization=organization.strip(),
        summary=summary.strip(),
        template_version=latest_published_version(),
        created_by=user,
    )
    plan.full_clean()
    plan.save()
    PlanMembership.objects.create(plan=plan, user=user, role=PlanMembership.Role.OWNER)
    return plan


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
    return plan
