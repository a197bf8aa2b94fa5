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
from microcred.organizations.models import EmailDomain, Organization, OrganizationMembership
from microcred.plans import roles
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan, PlanMembership
from microcred.plans.record_rows import save_record
from microcred.plans.services import create_plan
from microcred.records.models import CURRENCY
from microcred.records.registry import REGISTRY
from microcred.records.types import RecordType

DEMO_PLAN_FILE = Path(__file__).resolve().parent / "data" / "data_privacy_plan.yaml"
NORTHBRIDGE = "Northbridge Institute for Information Governance"
SOUTHGATE = "Southgate College"
# name: short name, country, currency, staff e-mail domain
DEMO_ORGANIZATIONS = {
    NORTHBRIDGE: ("NBI", "CA", "USD", "northbridge.example.edu"),
    SOUTHGATE: ("SGC", "GB", "GBP", "southgate.example.ac.uk"),
}
Role = OrganizationMembership.Role
DEMO_USERS = (
    # username, first name, last name, organization, role in it, role on the demo plan
    ("manager", "Maya", "Patel", NORTHBRIDGE, Role.PROGRAM_MANAGER, PlanMembership.Role.OWNER),
    ("editor", "Eli", "Okafor", NORTHBRIDGE, Role.PROGRAM_MANAGER, PlanMembership.Role.EDITOR),
    (
        "reviewer",
        "Rosa",
        "Lindqvist",
        NORTHBRIDGE,
        Role.COMMITTEE_MEMBER,
        PlanMembership.Role.REVIEWER,
    ),
    ("nbiadmin", "Nadia", "Brooks", NORTHBRIDGE, Role.ADMIN, None),
    ("sgadmin", "Samuel", "Green", SOUTHGATE, Role.ADMIN, None),
    ("sgmanager", "Priya", "Shah", SOUTHGATE, Role.PROGRAM_MANAGER, None),
    ("sgreviewer", "Leo", "Novak", SOUTHGATE, Role.COMMITTEE_MEMBER, None),
    ("templates", "Tomas", "Berg", None, None, None),
)


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


@transaction.atomic
def load_demo_data() -> Plan:
    """The demo organizations, their people (one per role, password
    `<username>-demo-2026`) and the demo plan, most of its questions answered. Safe to run
    again: existing users and plan are kept."""
    organizations = {name: demo_organization(name) for name in DEMO_ORGANIZATIONS}
    users = {}
    for username, first_name, last_name, organization, role, _plan_role in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
                "is_staff": organization is None,
            },
        )
        if created:
            user.set_password(demo_password(username))
            user.save(update_fields=["password"])
        if organization is None:
            user.groups.add(Group.objects.get_or_create(name=roles.TEMPLATE_ADMINS)[0])
        else:
            OrganizationMembership.objects.get_or_create(
                organization=organizations[organization], user=user, role=role
            )
        users[username] = user

    document = yaml.safe_load(DEMO_PLAN_FILE.read_text(encoding="utf-8"))
    owner = users["manager"]
    plan = Plan.objects.filter(title=document["plan"]["title"], created_by=owner).first()
    if plan is not None:
        return plan
    plan = create_plan(user=owner, **document["plan"])
    for username, _first, _last, _organization, _role, plan_role in DEMO_USERS:
        if plan_role and plan_role != PlanMembership.Role.OWNER:
            PlanMembership.objects.create(plan=plan, user=users[username], role=plan_role)
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


def demo_organization(name: str) -> Organization:
    short_name, country, currency, domain = DEMO_ORGANIZATIONS[name]
    organization, _ = Organization.objects.get_or_create(
        name=name,
        defaults={
            "short_name": short_name,
            "slug": short_name.lower(),
            "country": country,
            "default_currency": currency,
        },
    )
    EmailDomain.objects.get_or_create(organization=organization, domain=domain)
    return organization


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
        elif field_name == CURRENCY:
            data[field_name] = plan.currency
        else:
            data[field_name] = "" if value is None else str(value)
    return data
