"""The admin's forms for one row of a draft: a phase, a question, and the YAML file a
new draft is imported from. The formsets that check a page's rows together are in
admin_formsets.py."""

from django import forms

from ..models import Phase, Question, TemplateVersion
from ..record_types import record_type_choices
from ..rules import QuestionRow, bound_slug_reason, row_problems
from ..template_files import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    MAX_PHASE_QUESTIONS,
    MAX_PHASES,
    MAX_QUESTIONS,
)
from ..typed_text import check_form_text

# Where a rule's field is a form field of another name.
FORM_FIELDS = {"reflection": "is_reflection", "show_if": "show_if_question"}


class ChoicesField(forms.CharField):
    """A question's choices, a list, edited as text with one choice per line."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 22})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class TemplateTextForm(forms.ModelForm):
    """A form of a template's rows, whose text planners read: held to what no text takes
    (typed_text.py), one line each unless written in a box."""

    def clean(self):
        cleaned_data = super().clean()
        check_form_text(self)
        return cleaned_data


class TemplateVersionForm(TemplateTextForm):
    class Meta:
        model = TemplateVersion
        fields = ["name", "notes"]


class QuestionForm(TemplateTextForm):
    choices = ChoicesField(
        required=False, help_text="Single and multiple choice questions: one choice per line."
    )
    # Not a ChoiceField: an unknown record type is refused by the rules, with their message.
    record_type = forms.CharField(
        required=False,
        label="Record type",
        help_text="Record-set questions: the table of typed rows that answers them.",
        widget=forms.Select(),
    )
    show_if_values = ChoicesField(
        required=False,
        label="Shown for answers",
        help_text="The answers to “Show only if” that show this question, one per line: a "
        "choice as written, “other”, or yes / no.",
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
            "record_type",
            "show_if_question",
            "show_if_values",
        ]
        labels = {
            "is_reflection": "Reflection",
            "parent": "Sub-question of",
            "show_if_question": "Show only if",
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
            "show_if_question": "An earlier choice or yes / no question of this version whose "
            "answer shows this one; empty: always shown.",
        }
        widgets = {
            "key": forms.TextInput(attrs={"size": 18}),
            "text": forms.Textarea(attrs={"rows": 3, "cols": 34}),
            "help_text": forms.Textarea(attrs={"rows": 3, "cols": 26}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "record_type" in self.fields:
            choices = [("", "None"), *record_type_choices()]
            current = self.instance.record_type
            if current and current not in dict(choices):
                # Shown as it is, so that saving neither hides nor drops it: the rules refuse it.
                choices.append((current, current))
            self.fields["record_type"].widget.choices = choices

    def row(
        self, *, phase_slug: str, parent_key: str | None, show_if_key: str | None = None
    ) -> QuestionRow:
        """The question as the rules read it; `show_if_key` is the key its condition's
        question has in this save (the chosen question's own key when not given)."""
        data = self.cleaned_data
        show_if = data.get("show_if_question")
        if show_if is not None and show_if_key is None:
            show_if_key = show_if.key
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
            record_type=data.get("record_type", ""),
            show_if=show_if_key if show_if is not None else None,
            show_if_values=data.get("show_if_values", []),
        )

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        if "kind" in cleaned_data:
            row = self.row(phase_slug="", parent_key=None)
            # A field already refused (its text) is missing from the row, not empty.
            refused = set(self.errors)
            for problem in row_problems(row):
                field = FORM_FIELDS.get(problem.field, problem.field)
                if field not in refused:
                    self.add_error(field, problem.message)
        if cleaned_data.get("show_if_values") and (
            "show_if_question" in cleaned_data and cleaned_data["show_if_question"] is None
        ):
            self.add_error(
                "show_if_values",
                "Choose in “Show only if” the question these answers belong to, or clear them.",
            )
        return cleaned_data


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


class PhaseForm(TemplateTextForm):
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
