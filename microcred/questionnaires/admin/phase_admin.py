"""A phase's page: its questions, dragged among their siblings and nested, and its
preview as a program manager sees it."""

from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from ..models import Phase, Question
from ..previews import phase_preview
from ..rules import CONDITION_KINDS, undeletable_phase_message
from ..selectors import flatten, numbered_items
from ..versions import frozen_message, renumber_questions
from .drafts import WIDE_PAGE, admin_url, is_draft, refuse_if_frozen
from .forms import PhaseForm, QuestionForm
from .formsets import QuestionFormSet

# Deeper questions are indented as much as this depth, which admin.css styles.
MAX_INDENTED_DEPTH = 4


# What a question is, in view; the rest folded away under each question, so that the
# page fits a laptop's screen and each field's help shows under it (a table of every
# field was twice as wide, with its help only in its column's tooltip).
# "order" is the hidden field that dragging sets.
MAIN_FIELDS = [("number", "text", "kind", "required"), "order"]
MORE_FIELDS = [
    name for name in QuestionForm.Meta.fields if name not in {"text", "kind", "required"}
]


class QuestionInline(SortableStackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    ordering = ["order"]
    fieldsets = [
        (None, {"fields": MAIN_FIELDS}),
        (
            "Key, help text, choices, nesting and condition",
            {"fields": MORE_FIELDS, "classes": ["collapse"]},
        ),
    ]
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
        return super().has_add_permission(request, obj) and is_draft(obj and obj.version)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and is_draft(obj and obj.version)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_draft(obj and obj.version)


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
        return super().has_change_permission(request, obj) and is_draft(obj and obj.version)

    def has_delete_permission(self, request, obj=None):
        # A bound phase is refused in delete_view, with the reason, and not here: deleting
        # a whole draft deletes its phases and needs this permission for each.
        return super().has_delete_permission(request, obj) and is_draft(obj and obj.version)

    def delete_view(self, request, object_id, extra_context=None):
        phase = self.get_object(request, unquote(object_id))
        if phase is not None and self.has_view_permission(request, phase):
            refusal = (
                frozen_message(phase.version)
                if not is_draft(phase.version)
                else undeletable_phase_message(phase)
            )
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                return redirect(admin_url("phase_change", phase.pk))
        return super().delete_view(request, object_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        phase = self.get_object(request, object_id) if object_id else None
        refused = refuse_if_frozen(self, request, phase, phase and phase.version)
        extra_context = {**WIDE_PAGE, **(extra_context or {})}
        return refused or super().changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        renumber_questions(phase=form.instance)

    def response_change(self, request, obj):
        if "_continue" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, f"Saved the phase “{obj.title}”.", messages.SUCCESS)
        return redirect(admin_url("templateversion_change", obj.version_id))

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
        """The phase as a program manager sees it, to try: answers show and hide the
        questions that depend on them; nothing is saved."""
        phase = get_object_or_404(Phase.objects.select_related("version"), pk=pk)
        if not self.has_view_permission(request, phase):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "questionnaires/phase_preview.html",
            {
                "phase": phase,
                "version": phase.version,
                "phases": phase.version.phases.annotate(question_count=Count("questions")),
                "blocks": phase_preview(phase=phase),
            },
        )
