"""Archiving a finished or abandoned plan, and restoring it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .activity import record_activity
from .models import Plan, PlanActivity
from .permissions import ARCHIVABLE, ONLY_OWNER_ARCHIVES, plan_access
from .services import display_name


@transaction.atomic
def archive_plan(*, plan: Plan, user) -> Plan:
    """Take the plan out of its members' lists, keeping it readable and exportable, with
    its answers locked; on its owner's word (PermissionDenied for anyone else). Refused
    while it is in review: the reviewers are deciding on it."""
    access = plan_access(user=user, plan=plan)
    if not (access and access.is_owner):
        raise PermissionDenied(ONLY_OWNER_ARCHIVES)
    # SET evaluates every right-hand side on the row as it was, so the previous status is
    # what F("status") stores.
    archived = Plan.objects.filter(pk=plan.pk, status__in=ARCHIVABLE).update(
        status=Plan.Status.ARCHIVED, status_before_archive=F("status"), updated_at=timezone.now()
    )
    if not archived:
        plan.refresh_from_db(fields=["status"])
        raise ValidationError(
            "Only a draft, a plan with changes requested or an approved plan can be "
            f"archived: this one is {plan.get_status_display().lower()}."
        )
    plan.refresh_from_db(fields=["status", "status_before_archive", "updated_at"])
    record_activity(
        plan=plan,
        actor=user,
        verb=PlanActivity.Verb.ARCHIVED,
        summary=f"{display_name(user)} archived the plan",
    )
    return plan


@transaction.atomic
def restore_plan(*, plan: Plan, user) -> Plan:
    """Bring an archived plan back, in the status it had before it was archived; on its
    owner's word (PermissionDenied for anyone else)."""
    access = plan_access(user=user, plan=plan)
    if not (access and access.is_owner):
        raise PermissionDenied(ONLY_OWNER_ARCHIVES)
    current = Plan.objects.select_for_update().filter(pk=plan.pk).first()
    previous = (current.status_before_archive if current else "") or Plan.Status.DRAFT
    restored = Plan.objects.filter(pk=plan.pk, status=Plan.Status.ARCHIVED).update(
        status=previous, status_before_archive="", updated_at=timezone.now()
    )
    if not restored:
        plan.refresh_from_db(fields=["status"])
        raise ValidationError(
            f"Only an archived plan can be restored: this one is "
            f"{plan.get_status_display().lower()}."
        )
    plan.refresh_from_db(fields=["status", "status_before_archive", "updated_at"])
    record_activity(
        plan=plan,
        actor=user,
        verb=PlanActivity.Verb.RESTORED,
        summary=f"{display_name(user)} restored the plan ({plan.get_status_display().lower()})",
    )
    return plan
