"""The template versions' list and pages: a version's phases, and the actions that make
new versions (a draft from another, a YAML import) and publish them."""

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from ..differences import version_differences
from ..documents import template_yaml
from ..models import Phase, TemplateVersion
from ..rules import InvalidTemplate
from ..versions import (
    PublishRefused,
    VersionFrozen,
    create_draft,
    frozen_message,
    import_template,
    next_version_number,
    publish_version,
    publishing_problems,
    renumber_phases,
)
from .drafts import (
    DRAFT,
    WIDE_PAGE,
    admin_url,
    count_of,
    delete_selected_drafts,
    is_draft,
    refuse_if_frozen,
    undeletable_message,
    version_references,
)
from .forms import ImportTemplateForm, PhaseForm, TemplateVersionForm
from .formsets import PhaseFormSet


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
        return super().has_add_permission(request, obj) and is_draft(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_draft(obj)

    @admin.display(description="Questions")
    def questions_link(self, phase):
        if phase.pk is None:
            return "Save to add questions"
        action = "Edit" if is_draft(phase.version) else "View"
        return format_html(
            '<a href="{}">{} the {} questions<span class="visually-hidden"> of {}</span></a>',
            admin_url("phase_change", phase.pk),
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
            admin_url("phase_preview", phase.pk),
            phase.title,
        )


@admin.register(TemplateVersion)
class TemplateVersionAdmin(SortableAdminBase, admin.ModelAdmin):
    form = TemplateVersionForm
    list_display = ["number", "name", "status", "question_count", "published_at"]
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
                question_count=count_of("questions"),
                **{
                    reference.count_name: count_of(reference.relation.name)
                    for reference in version_references()
                },
            )
        )

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, version):
        return version.question_count

    def get_list_display(self, request):
        """Beside the questions, how many plans (and whatever else refers to a version)
        are on each: what publishing retires and deleting would refuse."""
        *columns, published_at = super().get_list_display(request)
        references = [reference.column() for reference in version_references()]
        return [*columns, *references, published_at]

    def has_add_permission(self, request):
        # A version starts as a draft of another one, or as an imported file.
        return False

    def has_create_permission(self, request):
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_draft(obj)

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
            and not is_draft(version)
            and self.has_view_permission(request, version)
        ):
            self.message_user(request, undeletable_message(version), messages.ERROR)
            return redirect(admin_url("templateversion_change", version.pk))
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": "Template versions", **(extra_context or {})}
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        version = self.get_object(request, object_id) if object_id else None
        refused = refuse_if_frozen(self, request, version, version)
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
            return redirect(admin_url("templateversion_draft", version.pk))
        return None

    @admin.action(description="Publish this draft", permissions=["change"])
    def publish_action(self, request, queryset):
        if version := self._single(request, queryset):
            return redirect(admin_url("templateversion_publish", version.pk))
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
            return redirect(admin_url("templateversion_change", draft.pk))
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
        if not is_draft(version):
            self.message_user(request, frozen_message(version), messages.ERROR)
            return redirect(admin_url("templateversion_change", version.pk))
        if request.method == "POST":
            try:
                published = publish_version(version=version)
            except InvalidTemplate as invalid:
                problems = invalid.problems
            except (PublishRefused, VersionFrozen) as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return redirect(admin_url("templateversion_change", version.pk))
            else:
                self.message_user(
                    request,
                    f"Published version {published.number}. New plans start on it; the "
                    "version published before is retired. Existing plans stay on their "
                    "version until their owners move them.",
                    messages.SUCCESS,
                )
                return redirect(admin_url("templateversion_change", published.pk))
        else:
            problems = publishing_problems(version)
        replaced = (
            TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        return self._confirm_page(
            request,
            version,
            title=f"Publish version {version.number}",
            action_label=f"Publish version {version.number}",
            problems=problems,
            published=replaced,
            differences=replaced and version_differences(old=replaced, new=version),
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
                return redirect(admin_url("templateversion_change", version.pk))
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
