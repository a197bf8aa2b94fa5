"""The reports app's writes: the plan's remembered export options, and a request for an
export, which is queued and handed to the workers once committed (see rendering.py for
what a worker does with it)."""

import datetime
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from microcred.plans.models import Plan
from microcred.plans.page_cache import plan_pages_changed
from microcred.plans.permissions import plan_access
from microcred.work.outbox import dispatch

from . import tasks
from .models import ExportSettings, ReportExport
from .options import ExportOptions, export_options_of, options_of_settings

IN_FLIGHT = [ReportExport.Status.QUEUED, ReportExport.Status.RUNNING]
ONLY_WRITERS_SAVE_OPTIONS = (
    "Only the plan's owner and editors can change the options its exports are made with. "
    "Choose options for your own export on the export page instead."
)


def save_export_options(*, plan: Plan, options: ExportOptions, user: User) -> ExportSettings | None:
    """Remember `options` for the plan's next exports, in every format; the dashboard,
    which shows them, is stamped as changed. Only the plan's writers may (PermissionDenied
    for anyone else): the options decide what everyone's exports show, such as the
    reviewers' comments. Options the same as those saved change nothing (nor who saved
    them last); the default, never saved, stays unsaved (None)."""
    access = plan_access(user=user, plan=plan)
    if access is None or not access.is_writer:
        raise PermissionDenied(ONLY_WRITERS_SAVE_OPTIONS)
    saved = ExportSettings.objects.filter(plan=plan).first()
    if options_of_settings(saved) == options:
        return saved
    with transaction.atomic():
        saved, _ = ExportSettings.objects.update_or_create(
            plan=plan,
            defaults={
                "phase_slugs": options.as_json()["phases"],
                "include_unanswered": options.include_unanswered,
                "include_appendix": options.include_appendix,
                "include_archived": options.include_archived,
                "page_size": options.page_size,
                "updated_by": user,
            },
        )
        plan_pages_changed(plan_id=plan.pk)
    return saved


def request_export(
    *,
    plan: Plan,
    user: User,
    export_format: str = ReportExport.Format.PDF,
    options: ExportOptions | None = None,
) -> tuple[ReportExport, bool]:
    """Queue an export of the plan in `export_format` for `user`, with `options` (by
    default the plan's saved ones), or return theirs in that format that is already
    queued or rendering (with False): one in flight per person, plan and format, which a
    constraint enforces against simultaneous requests. The render is handed to the
    broker once the row is committed, so a worker never looks for an export that is not
    there yet; if the broker refuses, the export stays queued and `awaiting_dispatch`
    until the periodic resend. Called outside a transaction, the export returned shows
    which happened."""
    in_flight = ReportExport.objects.filter(
        plan=plan, requested_by=user, format=export_format, status__in=IN_FLIGHT
    )
    with transaction.atomic():
        existing = in_flight.first()
        if existing:
            return existing, False
        try:
            with transaction.atomic():
                export = ReportExport.objects.create(
                    plan=plan,
                    requested_by=user,
                    format=export_format,
                    options=(options or export_options_of(plan)).as_json(),
                )
        except IntegrityError:
            # The same person asked twice at once, and the other request got in first.
            existing = in_flight.first()
            if existing is None:
                raise
            return existing, False
        transaction.on_commit(partial(dispatch_export, export_id=export.pk))
    export.refresh_from_db()
    return export, True


def dispatch_export(*, export_id: int, previous: datetime.datetime | None = None) -> bool:
    """Hand a queued export to the workers (see `work.outbox.dispatch`)."""
    return dispatch(
        ReportExport.objects.filter(status=ReportExport.Status.QUEUED),
        task=tasks.render_plan_report,
        pk=export_id,
        previous=previous,
    )
