"""What the admin lets change: only drafts. A published or retired version (and its
phases) is shown read-only, with why and how to change it, and is never deleted."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db.models import Count, ForeignObjectRel, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst

from ..models import TemplateVersion
from ..versions import frozen_message

DRAFT = TemplateVersion.Status.DRAFT
# The phases and questions tables need the whole width of the page.
WIDE_PAGE = {"is_nav_sidebar_enabled": False}


def is_draft(version) -> bool:
    return version is None or version.status == DRAFT


@dataclass(frozen=True)
class Reference:
    """A model of another app whose rows point at a template version (plans, for one),
    found from the model's relations: the engine names none of the apps that use it."""

    relation: ForeignObjectRel

    @property
    def count_name(self) -> str:
        """The name of the annotation that counts the rows pointing at each version."""
        return f"{self.relation.related_model._meta.model_name}_count"

    def counted(self, count: int) -> str:
        """In the model's own words: "2 plans", "1 plan", "no plans"."""
        meta = self.relation.related_model._meta
        if not count:
            return f"no {meta.verbose_name_plural}"
        return f"{count} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"

    def rows_pointing_at(self, version: TemplateVersion) -> int:
        accessor = cast(str, self.relation.get_accessor_name())  # a reverse relation has one
        return int(getattr(version, accessor).count())

    def column(self) -> Callable[[TemplateVersion], int]:
        """A column of the version list: how many rows point at each version."""
        plural = capfirst(self.relation.related_model._meta.verbose_name_plural)

        @admin.display(description=f"{plural} on it", ordering=self.count_name)
        def count(version: TemplateVersion) -> int:
            return int(getattr(version, self.count_name))

        return count


def version_references() -> list[Reference]:
    """What refers to template versions from outside the engine."""
    engine = TemplateVersion._meta.app_label
    return [
        Reference(relation)
        for relation in TemplateVersion._meta.related_objects
        if relation.related_model._meta.app_label != engine
    ]


def count_of(relation: str) -> Coalesce:
    """How many rows point at the outer version through the reverse `relation`, as a
    subquery, so that counting two relations does not multiply their rows."""
    rows = TemplateVersion.objects.filter(pk=OuterRef("pk")).annotate(count=Count(relation))
    return Coalesce(Subquery(rows.order_by().values("count")), 0)


def refuse_if_frozen(model_admin, request, obj, version):
    """On the page of a published or retired version (or of its phases), for those who
    may see it: say that it never changes and how to change it; turn a change away."""
    if is_draft(version) or not model_admin.has_view_permission(request, obj):
        return None
    if request.method == "POST":
        model_admin.message_user(request, frozen_message(version), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())
    model_admin.message_user(request, frozen_message(version), messages.WARNING)
    return None


def admin_url(name, *args):
    return reverse(f"admin:questionnaires_{name}", args=args)


def undeletable_message(version) -> str:
    """Why a published or retired version cannot be deleted, and what to do instead."""
    counts = [
        reference.counted(reference.rows_pointing_at(version)) for reference in version_references()
    ]
    plans = ", ".join(counts) or "nothing that refers to it"
    if version.status == TemplateVersion.Status.PUBLISHED:
        return (
            f"Version {version.number} is published and has {plans}: published versions are "
            "never deleted; retire it by publishing a newer one."
        )
    return (
        f"Version {version.number} is retired and has {plans}: retired versions are never "
        "deleted, so that the plans and archived answers that refer to their questions keep "
        "them. Only drafts can be deleted."
    )


def delete_selected_drafts(model_admin, request, queryset):
    """Django's "Delete selected", refused with the reason when the selection holds a
    version that is not a draft (it would fail on the plans that use it, or delete a
    published version's questions from under them)."""
    frozen = queryset.exclude(status=DRAFT).order_by("number").first()
    if frozen is not None:
        model_admin.message_user(request, undeletable_message(frozen), messages.ERROR)
        return None
    return delete_selected(model_admin, request, queryset)
