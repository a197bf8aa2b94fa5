"""Creating plans."""

from django.db import transaction
from django.utils.text import slugify

from microcred.questionnaires.models import TemplateVersion

from .models import Plan, PlanMembership
from .validators import validate_plain_text, validate_single_line


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
    validate_single_line(title, label="title")
    validate_single_line(organization, label="organization")
    validate_plain_text(summary, label="summary")
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


def display_name(user) -> str:
    return (user.get_full_name() or user.username) if user else "someone"
