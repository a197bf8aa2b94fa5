"""The question templates in the Django admin, for the "Template admins" group (through
its model permissions) and superusers.

A version's page lists its phases (drag to reorder); a phase's page lists its questions
(drag to reorder among their siblings, nest with "Sub-question of"). Only a draft can be
changed: published and retired versions are shown read-only. Drafting, publishing and
YAML import/export are actions of the version list and buttons on a version's page.
"""

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .documents import template_yaml
from .forms import (
    ImportTemplateForm,
    PhaseForm,
    PhaseFormSet,
    QuestionFieldsForm,
    QuestionForm,
    QuestionFormSet,
)
from .models import Phase, Question, TemplateVersion
from .rules import CONDITION_KINDS, InvalidTemplate, undeletable_phase_message
from .selectors import flatten, numbered_items
from .versions import (
    PublishRefused,
    VersionFrozen,
    create_draft,
    frozen_message,
    import_template,
    next_version_number,
    publish_version,
    publishing_problems,
    renumber_phases,
    renumber_questions,
)

DRAFT = TemplateVersion.Status.DRAFT
# The phases and questions tables need the whole width of the page.
WIDE_PAGE = {"is_nav_sidebar_enabled": False}
# Deeper questions are indented as much as this depth, which admin.css styles.
MAX_INDENTED_DEPTH = 4


def _is_draft(version) -> bool:
    return version is None or version.status == DRAFT


# Plans point at their template version through this reverse relation: the engine counts
# them by its name, without importing plans (imports run one way, plans to the engine).
PLANS = "plans"


def _count_of(relation):
    """How many rows point at the outer version through the reverse `relation`, as a
    subquery, so that counting two relations does not multiply their rows."""
    rows = TemplateVersion.objects.filter(pk=OuterRef("pk")).annotate(count=Count(relation))
    return Coalesce(Subquery(rows.order_by().values("count")), 0)


def _refuse_if_frozen(model_admin, request, obj, version):
    """On the page of a published or retired version (or of its phases), for those who
    may see it: say that it never changes and how to change it; turn a change away."""
    if _is_draft(version) or not model_admin.has_view_permission(request, obj):
        return None
    if request.method == "POST":
        model_admin.message_user(request, frozen_message(version), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())
    model_admin.message_user(request, frozen_message(version), messages.WARNING)
    return None


def _admin_url(name, *args):
    return reverse(f"admin:questionnaires_{name}", args=args)


def undeletable_message(version) -> str:
    """Why a published or retired version cannot be deleted, and what to do instead."""
    count = getattr(version, PLANS).count()
    plans = f"{count} plan{pluralize(count)}" if count else "no plans"
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


class PhaseInline(SortableTabularInline):
    model = Phase
    form = PhaseForm
    formset = PhaseFormSet
    ordering = ["order"]
    fields = ["title", "slug", "intro", "questions_link", "preview_link"]
    readonly_fields = ["questions_link", "preview_link"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("version")
            .annotate(question_count=Count("questions"))
        )

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _is_draft(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _is_draft(obj)

    @admin.display(description="Questions")
    def questions_link(self, phase):
        if phase.pk is None:
            return "Save to add questions"
        action = "Edit" if _is_draft(phase.version) else "View"
        return format_html(
            '<a href="{}">{} the {} questions<span class="visually-hidden"> of {}</span></a>',
            _admin_url("phase_change", phase.pk),
            action,
            phase.question_count,
            phase.title,
        )

    @admin.display(description="Preview")
    def preview_link(self, phase):
        if phase.pk is None:
            return ""
        return format_html(
            '<a href="{}">Preview<span class="visually-hidden"> {}</span></a>',
            _admin_url("phase_preview", phase.pk),
            phase.title,
        )


@admin.register(TemplateVersion)
class TemplateVersionAdmin(SortableAdminBase, admin.ModelAdmin):
    list_display = ["number", "name", "status", "question_count", "plan_count", "published_at"]
    list_display_links = ["number", "name"]
    fields = ["number", "name", "status", "notes", "created_at", "published_at"]
    readonly_fields = ["number", "status", "created_at", "published_at"]
    inlines = [PhaseInline]
    actions = ["draft_action", "publish_action", "download_action"]
    change_form_template = "questionnaires/admin/version_change_form.html"
    change_list_template = "questionnaires/admin/version_change_list.html"

    class Media:
        css = {"all": ["questionnaires/admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_count=_count_of("questions"),
                plan_count=_count_of(PLANS),
            )
        )

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, version):
        return version.question_count

    @admin.display(description="Plans on it", ordering="plan_count")
    def plan_count(self, version):
        return version.plan_count

    def has_add_permission(self, request):
        # A version starts as a draft of another one, or as an imported file.
        return False

    def has_create_permission(self, request):
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _is_draft(obj)

    def get_actions(self, request):
        """Only the actions that can succeed: deleting and publishing need a draft."""
        actions = super().get_actions(request)
        # The list asks for its actions several times a request.
        if not hasattr(request, "template_drafts_exist"):
            request.template_drafts_exist = TemplateVersion.objects.filter(status=DRAFT).exists()
        if not request.template_drafts_exist:
            actions.pop("delete_selected", None)
            actions.pop("publish_action", None)
        elif "delete_selected" in actions:
            actions["delete_selected"] = (
                delete_selected_drafts,
                "delete_selected",
                "Delete selected drafts",
            )
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        version = self.get_object(request, unquote(object_id))
        if (
            version is not None
            and not _is_draft(version)
            and self.has_view_permission(request, version)
        ):
            self.message_user(request, undeletable_message(version), messages.ERROR)
            return redirect(_admin_url("templateversion_change", version.pk))
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Template versions", **(extra_context or {})}
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        version = self.get_object(request, object_id) if object_id else None
        refused = _refuse_if_frozen(self, request, version, version)
        extra_context = {**WIDE_PAGE, **(extra_context or {})}
        return refused or super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        renumber_phases(version=form.instance)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="questionnaires_templateversion_import"),
            path(
                "<int:pk>/draft/",
                view(self.draft_view),
                name="questionnaires_templateversion_draft",
            ),
            path(
                "<int:pk>/publish/",
                view(self.publish_view),
                name="questionnaires_templateversion_publish",
            ),
            path(
                "<int:pk>/yaml/", view(self.yaml_view), name="questionnaires_templateversion_yaml"
            ),
            *super().get_urls(),
        ]

    def _single(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one version for this action.", messages.ERROR)
            return None
        return queryset.get()

    @admin.action(description="Create a draft from this version", permissions=["create"])
    def draft_action(self, request, queryset):
        if version := self._single(request, queryset):
            return redirect(_admin_url("templateversion_draft", version.pk))
        return None

    @admin.action(description="Publish this draft", permissions=["change"])
    def publish_action(self, request, queryset):
        if version := self._single(request, queryset):
            return redirect(_admin_url("templateversion_publish", version.pk))
        return None

    @admin.action(description="Download as YAML", permissions=["view"])
    def download_action(self, request, queryset):
        if version := self._single(request, queryset):
            return self.yaml_view(request, version.pk)
        return None

    def _confirm_page(self, request, version, **context):
        return TemplateResponse(
            request,
            "questionnaires/admin/version_confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "version": version,
                **context,
            },
        )

    def draft_view(self, request, pk):
        version = get_object_or_404(TemplateVersion, pk=pk)
        if not self.has_create_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            draft = create_draft(source=version)
            self.message_user(
                request,
                f"Created version {draft.number}, a draft copy of version {version.number}. "
                "Change its phases and questions, preview them, then publish it.",
                messages.SUCCESS,
            )
            return redirect(_admin_url("templateversion_change", draft.pk))
        return self._confirm_page(
            request,
            version,
            title=f"Create a draft from version {version.number}",
            action_label="Create the draft",
            next_number=next_version_number(),
        )

    def publish_view(self, request, pk):
        version = get_object_or_404(TemplateVersion, pk=pk)
        if not self.has_change_permission(request):
            raise PermissionDenied
        if not _is_draft(version):
            self.message_user(request, frozen_message(version), messages.ERROR)
            return redirect(_admin_url("templateversion_change", version.pk))
        if request.method == "POST":
            try:
                published = publish_version(version=version)
            except InvalidTemplate as invalid:
                problems = invalid.problems
            except (PublishRefused, VersionFrozen) as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return redirect(_admin_url("templateversion_change", version.pk))
            else:
                self.message_user(
                    request,
                    f"Published version {published.number}. New plans start on it; the "
                    "version published before is retired. Existing plans stay on their "
                    "version until their owners move them.",
                    messages.SUCCESS,
                )
                return redirect(_admin_url("templateversion_change", published.pk))
        else:
            problems = publishing_problems(version)
        return self._confirm_page(
            request,
            version,
            title=f"Publish version {version.number}",
            action_label=f"Publish version {version.number}",
            problems=problems,
            published=TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED)
            .order_by("-number")
            .first(),
        )

    def yaml_view(self, request, pk):
        version = get_object_or_404(TemplateVersion, pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        response = HttpResponse(template_yaml(version), content_type="application/yaml")
        response["Content-Disposition"] = (
            f'attachment; filename="template-version-{version.number}.yaml"'
        )
        return response

    def import_view(self, request):
        if not self.has_create_permission(request):
            raise PermissionDenied
        form = ImportTemplateForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            try:
                version = import_template(text=form.cleaned_data["file"])
            except InvalidTemplate as invalid:
                problems = invalid.problems
            else:
                self.message_user(
                    request,
                    f"Imported “{version.name}” as version {version.number}, a draft: "
                    f"{version.phases.count()} phases, {version.questions.count()} questions.",
                    messages.SUCCESS,
                )
                return redirect(_admin_url("templateversion_change", version.pk))
        return TemplateResponse(
            request,
            "questionnaires/admin/version_import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Import a template version from YAML",
                "form": form,
                "problems": problems,
            },
        )


class QuestionInline(SortableTabularInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    ordering = ["order"]
    fields = ["number", *QuestionForm.Meta.fields]
    readonly_fields = ["number"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        questions = list(obj.questions.order_by("order")) if obj else []
        items = list(flatten(numbered_items(questions)))
        self.numbers = {item.question.pk: item.number or "Reflection" for item in items}
        self.depths = {item.question.pk: item.depth for item in items}
        parent = formset.form.base_fields.get("parent")
        if parent is not None and obj is not None:
            # The choices are listed once, not queried again for each question's row.
            parent.queryset = obj.questions.all()
            parent.choices = [("", "None (top level)")] + [
                (question.pk, f"{self.numbers[question.pk]} {question.key}")
                for question in questions
            ]
        show_if = formset.form.base_fields.get("show_if_question")
        if show_if is not None and obj is not None:
            self._limit_conditions(show_if, obj, questions)
        return formset

    @staticmethod
    def _limit_conditions(field, phase, questions):
        """ "Show only if" offers the version's choice and yes / no questions, listed once
        for every row. Any question of the version is accepted, so that the rules say why a
        condition on another kind cannot work; a condition already set stays listed."""
        field.queryset = phase.version.questions.all()
        current = {question.show_if_question_id for question in questions} - {None}
        offered = (
            phase.version.questions.filter(Q(kind__in=CONDITION_KINDS) | Q(pk__in=current))
            .order_by("phase__order", "order")
            .values_list("pk", "phase__title", "key")
        )
        field.choices = [("", "Always shown")] + [
            (pk, f"{key} ({title})") for pk, title, key in offered
        ]

    @admin.display(description="No.")
    def number(self, question):
        # admin.css indents the row's text by this depth (the row itself takes no class).
        depth = min(self.depths.get(question.pk, 0), MAX_INDENTED_DEPTH)
        return format_html(
            '<span class="question-depth-{}">{}</span>', depth, self.numbers.get(question.pk, "New")
        )

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _is_draft(obj and obj.version)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _is_draft(obj and obj.version)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _is_draft(obj and obj.version)


@admin.register(Phase)
class PhaseAdmin(SortableAdminBase, admin.ModelAdmin):
    form = PhaseForm
    fields = ["version", "title", "slug", "intro"]
    readonly_fields = ["version"]
    inlines = [QuestionInline]
    change_form_template = "questionnaires/admin/phase_change_form.html"

    class Media:
        css = {"all": ["questionnaires/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version")

    def get_model_perms(self, request):
        # Phases are reached from their version's page, not from the admin's index.
        return {}

    def has_add_permission(self, request):
        return False  # phases are added on their version's page

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _is_draft(obj and obj.version)

    def has_delete_permission(self, request, obj=None):
        # A bound phase is refused in delete_view, with the reason, and not here: deleting
        # a whole draft deletes its phases and needs this permission for each.
        return super().has_delete_permission(request, obj) and _is_draft(obj and obj.version)

    def delete_view(self, request, object_id, extra_context=None):
        phase = self.get_object(request, unquote(object_id))
        if phase is not None and self.has_view_permission(request, phase):
            refusal = (
                frozen_message(phase.version)
                if not _is_draft(phase.version)
                else undeletable_phase_message(phase)
            )
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                return redirect(_admin_url("phase_change", phase.pk))
        return super().delete_view(request, object_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        phase = self.get_object(request, object_id) if object_id else None
        refused = _refuse_if_frozen(self, request, phase, phase and phase.version)
        extra_context = {**WIDE_PAGE, **(extra_context or {})}
        return refused or super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        renumber_questions(phase=form.instance)

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, f"Saved the phase “{obj.title}”.", messages.SUCCESS)
        return redirect(_admin_url("templateversion_change", obj.version_id))

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="questionnaires_phase_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The phase as a program manager sees it, with the answer fields disabled."""
        phase = get_object_or_404(Phase.objects.select_related("version"), pk=pk)
        if not self.has_view_permission(request, phase):
            raise PermissionDenied
        form = QuestionFieldsForm(
            items=numbered_items(list(phase.questions.order_by("order"))), read_only=True
        )
        return TemplateResponse(
            request,
            "questionnaires/phase_preview.html",
            {
                "phase": phase,
                "version": phase.version,
                "phases": phase.version.phases.annotate(question_count=Count("questions")),
                "form": form,
            },
        )
