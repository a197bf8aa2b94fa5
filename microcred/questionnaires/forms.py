from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

from .documents import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    MAX_PHASE_QUESTIONS,
    MAX_PHASES,
    MAX_QUESTIONS,
)
from .models import Phase, Question
from .rules import (
    QuestionRow,
    bound_slug_reason,
    row_problems,
    structure_problems,
    undeletable_phase_message,
)

# Where a rule's field is a form field of another name.
FORM_FIELDS = {"reflection": "is_reflection"}


class ChoicesField(forms.CharField):
    """A question's choices, a list, edited as text with one choice per line."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 22})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in super().to_python(value).splitlines() if line.strip()]


class QuestionForm(forms.ModelForm):
    choices = ChoicesField(
        required=False, help_text="Single and multiple choice questions: one choice per line."
    )

    class Meta:
        model = Question
        fields = [
            "key",
            "text",
            "help_text",
            "kind",
            "choices",
            "allow_other",
            "required",
            "explanation_required",
            "is_reflection",
            "parent",
        ]
        labels = {
            "is_reflection": "Reflection",
            "parent": "Sub-question of",
            "allow_other": "Other",
            "explanation_required": "Must explain",
        }
        help_texts = {
            "key": "Stable identifier: answers follow it to the next version. Letters, digits, "
            "underscores.",
            "allow_other": "Offer “Other (please specify)” (choice questions).",
            "is_reflection": "The phase's closing reflection question.",
            "explanation_required": "Yes / no questions that ask more than yes or no: the "
            "answer needs its explanation.",
        }
        widgets = {
            "key": forms.TextInput(attrs={"size": 18}),
            "text": forms.Textarea(attrs={"rows": 3, "cols": 34}),
            "help_text": forms.Textarea(attrs={"rows": 3, "cols": 26}),
        }

    def row(self, *, phase_slug: str, parent_key: str | None) -> QuestionRow:
        data = self.cleaned_data
        return QuestionRow(
            phase=phase_slug,
            key=data.get("key", ""),
            text=data.get("text", ""),
            kind=data.get("kind", ""),
            choices=data.get("choices", []),
            allow_other=data.get("allow_other", False),
            parent=parent_key,
            is_reflection=data.get("is_reflection", False),
            explanation_required=data.get("explanation_required", False),
        )

    def clean(self):
        cleaned_data = super().clean()
        if "kind" in cleaned_data:
            row = self.row(phase_slug="", parent_key=None)
            for problem in row_problems(row):
                self.add_error(FORM_FIELDS.get(problem.field, problem.field), problem.message)
        return cleaned_data


class LabelledRowsFormSet(CustomInlineFormSet):
    """A tabular inline names each column once, in its heading, which assistive technology
    does not tie to the fields below it: each field gets a label of its own that says its
    column and its row."""

    def row_name(self, instance) -> str:
        raise NotImplementedError

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = self.row_name(form.instance)
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            # The admin's related-object wrapper renders the select it wraps, with that
            # select's own attributes.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs["aria-label"] = f"{field.label or pretty_name(name)}, {row}"


class BoundSlugInput(forms.TextInput):
    """The slug of a phase bound to its phase app, shown with why it cannot change."""

    template_name = "questionnaires/admin/bound_slug_input.html"

    def __init__(self, *, reason, attrs=None):
        super().__init__(attrs)
        self.reason = reason

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        reason_id = f"{context['widget']['attrs'].get('id', name)}-reason"
        context["widget"]["attrs"]["aria-describedby"] = reason_id
        context["widget"].update(reason=self.reason, reason_id=reason_id)
        return context


class PhaseForm(forms.ModelForm):
    """A phase of a draft; a saved phase bound to an installed phase app keeps its slug."""

    class Meta:
        model = Phase
        fields = ["title", "slug", "intro"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason = bound_slug_reason(self.instance.slug) if self.instance.pk else ""
        if reason and "slug" in self.fields:
            # A disabled field keeps its initial value whatever is posted.
            self.fields["slug"].disabled = True
            self.fields["slug"].widget = BoundSlugInput(
                reason=reason, attrs=self.fields["slug"].widget.attrs
            )


class PhaseFormSet(LabelledRowsFormSet):
    def row_name(self, instance) -> str:
        return f"phase “{instance.title}”" if instance.pk else "new phase"

    def clean(self):
        super().clean()
        refusals = [
            undeletable_phase_message(form.instance)
            for form in self.initial_forms
            if self._should_delete_form(form)
        ]
        if any(refusals):
            raise ValidationError([message for message in refusals if message])


class QuestionFormSet(LabelledRowsFormSet):
    """A phase's questions, checked together with the rules publishing applies: keys
    unique in the whole version, parents kept, no question inside itself."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.version_id = self.instance.version_id
        return form

    def row_name(self, instance) -> str:
        return f"question {instance.key}" if instance.pk else "new question"

    def save(self, commit=True):
        if commit:
            self._free_keys()
        return super().save(commit)

    def _free_keys(self):
        """Give each question whose key changes, or that is deleted, a placeholder key
        first: keys are unique in a version and rows are saved one at a time, so two
        questions swapping keys, or one taking the key of a question deleted in the same
        save, would otherwise meet the constraint halfway. The admin saves the whole page
        in one transaction, so no placeholder is ever seen."""
        freed = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk and (self._should_delete_form(form) or "key" in form.changed_data)
        ]
        for pk in freed:
            # Not a slug (no "~" in keys), so it can be nobody's key.
            Question.objects.filter(pk=pk).update(key=f"~{pk}")

    def clean(self):
        super().clean()
        phase = self.instance
        # Forms with errors of their own are checked too, so that every problem shows at once.
        kept = [
            form
            for form in self.forms
            if "key" in getattr(form, "cleaned_data", {}) and not self._should_delete_form(form)
        ]
        deleted = {
            form.instance.pk
            for form in self.forms
            if form.instance.pk and self._should_delete_form(form)
        }
        keys = {form.instance.pk: form.cleaned_data["key"] for form in kept if form.instance.pk}
        # The other phases first, so that a key used twice is reported in this phase.
        rows = [
            QuestionRow(phase=slug, key=key)
            for slug, key in Question.objects.filter(version_id=phase.version_id)
            .exclude(phase_id=phase.pk)
            .values_list("phase__slug", "key")
        ]
        form_of_row = {}
        for form in kept:
            parent = form.cleaned_data.get("parent")
            if parent is not None and parent.pk in deleted:
                form.add_error(
                    "parent",
                    f"“{parent.key}” is being deleted: choose another parent, or delete this "
                    "question too.",
                )
                continue
            row = form.row(
                phase_slug=phase.slug, parent_key=keys.get(parent.pk) if parent else None
            )
            form_of_row[id(row)] = form
            rows.append(row)
        for problem in structure_problems(rows):
            form = form_of_row.get(id(problem.row))
            if form is not None:
                form.add_error(FORM_FIELDS.get(problem.field, problem.field), problem.message)


class ImportTemplateForm(forms.Form):
    file = forms.FileField(
        label="Template file (YAML)",
        help_text="A file exported with “Download as YAML” or `manage.py export_template`. "
        "It becomes a new draft version; nothing changes until you publish it. At most "
        f"{MAX_FILE_MB:g} MB, {MAX_PHASES} phases, {MAX_QUESTIONS:,} questions and "
        f"{MAX_PHASE_QUESTIONS} questions in a phase.",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/yaml"}),
        # An empty file is a template file with problems, listed as the command lists them.
        allow_empty_file=True,
    )

    def clean_file(self):
        """The file's bytes, unchecked: the import checks them as it checks a file given to
        the import_template command. One byte past the limit is enough to refuse a
        larger file."""
        return self.cleaned_data["file"].read(MAX_FILE_BYTES + 1)


class MoveVersionForm(forms.Form):
    """Confirms moving a plan to the version whose changes the owner was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, initial={"version": target.pk}, **kwargs)
        self.target = target

    def clean_version(self):
        if self.cleaned_data["version"] != self.target.pk:
            raise forms.ValidationError(
                f"Version {self.target.number} was published while you were reading: "
                "check what changes below, then move again."
            )
        return self.target
