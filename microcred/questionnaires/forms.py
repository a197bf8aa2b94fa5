import dataclasses
from dataclasses import dataclass
from types import SimpleNamespace

from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt, pretty_name
from django.utils.html import escape, format_html

from .documents import (
    MAX_FILE_BYTES,
    MAX_FILE_MB,
    MAX_PHASE_QUESTIONS,
    MAX_PHASES,
    MAX_QUESTIONS,
)
from .kinds import kind_of
from .models import Phase, Question
from .record_types import record_type_choices
from .rules import (
    QuestionRow,
    bound_slug_reason,
    condition_problems,
    row_problems,
    structure_problems,
    undeletable_phase_message,
)
from .selectors import flatten
from .versions import reading_order

# Where a rule's field is a form field of another name.
FORM_FIELDS = {"reflection": "is_reflection", "show_if": "show_if_question"}


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
        cleaned_data = super().clean()
        if "kind" in cleaned_data:
            row = self.row(phase_slug="", parent_key=None)
            for problem in row_problems(row):
                self.add_error(FORM_FIELDS.get(problem.field, problem.field), problem.message)
        if cleaned_data.get("show_if_values") and (
            "show_if_question" in cleaned_data and cleaned_data["show_if_question"] is None
        ):
            self.add_error(
                "show_if_values",
                "Choose in “Show only if” the question these answers belong to, or clear them.",
            )
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
        others_before, others_after = self._other_phases_rows(keys)
        form_of_row = {}
        phase_rows = []
        for form in kept:
            parent = form.cleaned_data.get("parent")
            if parent is not None and parent.pk in deleted:
                form.add_error(
                    "parent",
                    f"“{parent.key}” is being deleted: choose another parent, or delete this "
                    "question too.",
                )
                continue
            show_if = form.cleaned_data.get("show_if_question")
            row = form.row(
                phase_slug=phase.slug,
                parent_key=keys.get(parent.pk) if parent else None,
                show_if_key=keys.get(show_if.pk, show_if.key) if show_if else None,
            )
            form_of_row[id(row)] = form
            phase_rows.append(row)
        phase_rows = self._in_reading_order(phase_rows, form_of_row)
        # The other phases first, so that a key used twice is reported in this phase.
        structure_rows = [*others_before, *others_after, *phase_rows]
        # Conditions look at the version in reading order: only earlier questions decide.
        condition_rows = [*others_before, *phase_rows, *others_after]
        self._report(structure_problems(structure_rows), form_of_row)
        # This phase's keys as saved too, so that a dependant elsewhere of a question being
        # deleted is reported.
        phase_keys = {row.key for row in phase_rows} | {f.instance.key for f in self.initial_forms}
        self._report(condition_problems(condition_rows), form_of_row, phase_keys)

    def _other_phases_rows(self, keys) -> tuple[list[QuestionRow], list[QuestionRow]]:
        """The questions of the version's other phases as rows, those of the phases before
        this one and those after, each in reading order. A condition on a question of this
        phase names it by the key it gets in this save (`keys`, by id)."""
        phase = self.instance
        questions = (
            Question.objects.filter(version_id=phase.version_id)
            .exclude(phase_id=phase.pk)
            .order_by("phase__order", "order")
            .values_list(
                "phase__order",
                "phase__slug",
                "key",
                "kind",
                "choices",
                "allow_other",
                "show_if_question_id",
                "show_if_question__key",
                "show_if_values",
            )
        )
        before, after = [], []
        for order, slug, key, kind, choices, allow_other, *condition in questions:
            show_if_id, show_if, show_if_values = condition
            row = QuestionRow(
                phase=slug,
                key=key,
                kind=kind,
                choices=choices,
                allow_other=allow_other,
                show_if=keys.get(show_if_id, show_if),
                show_if_values=show_if_values,
            )
            (before if order < phase.order else after).append(row)
        return before, after

    @staticmethod
    def _in_reading_order(rows, form_of_row) -> list[QuestionRow]:
        """This phase's rows in the order they will have once saved and renumbered: as
        dragged, each parent before its sub-questions."""
        stand_ins = []
        for index, row in enumerate(rows):
            form = form_of_row[id(row)]
            parent = form.cleaned_data.get("parent")
            order = form.cleaned_data.get("order", form.instance.order)
            stand_in = SimpleNamespace(
                row=row,
                # New questions have no id yet: a negative one, unlike any saved question's.
                pk=form.instance.pk or -1 - index,
                parent_id=parent.pk if parent else None,
                order=order if order is not None else float("inf"),
                is_reflection=row.is_reflection,
            )
            stand_ins.append(stand_in)
        return [stand_in.row for stand_in in reading_order(stand_ins)]

    def _report(self, problems, form_of_row, phase_keys=frozenset()):
        """Each problem beside its field; a problem of another phase's question caused by
        this phase's questions (a condition on one of them) above the table."""
        elsewhere = []
        for problem in problems:
            form = form_of_row.get(id(problem.row))
            if form is not None:
                form.add_error(FORM_FIELDS.get(problem.field, problem.field), problem.message)
            elif getattr(problem.row, "show_if", None) in phase_keys:
                elsewhere.append(str(problem))
        if elsewhere:
            raise ValidationError(elsewhere)


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


def field_name(question, suffix=""):
    return f"{question.key}__{suffix}" if suffix else question.key


def _label(item, text):
    if item.question.required:
        return format_html(
            '<span class="question-number">{}</span> {} '
            '<span class="badge text-bg-light border required-badge">Required</span>',
            item.number,
            text,
        )
    return format_html('<span class="question-number">{}</span> {}', item.number, text)


@dataclass
class AnswerField:
    """One form field of an answer, as its kind's template writes it: the input's name,
    id, value (as the input shows it) and attributes of its widget, its label, help text
    and errors, and for choices each option's value, label, id and whether it is chosen."""

    name: str
    id: str
    label: str
    help_text: str
    errors: list
    value: object
    attrs: str
    disabled: bool
    options: list = dataclasses.field(default_factory=list)

    @property
    def help_id(self) -> str:
        return f"{self.id}_helptext"

    @property
    def error_id(self) -> str:
        return f"{self.id}_error"

    @property
    def describedby(self) -> str:
        ids = [self.help_id] if self.help_text else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


@dataclass
class AnswerOption:
    value: str
    label: str
    id: str
    chosen: bool


@dataclass
class QuestionBlock:
    """One question on a phase page: its item, fields by suffix ("main" for the main one),
    whether it applies now, and the attributes of the container of its fields."""

    item: object
    fields: dict
    hidden: bool
    answer_attrs: str = ""

    @property
    def question(self):
        return self.item.question

    @property
    def key(self) -> str:
        return self.item.question.key

    @property
    def label(self) -> str:
        return _label(self.item, self.item.question.text)

    @property
    def fields_template(self) -> str:
        return kind_of(self.item.question).fields_template

    @property
    def is_record_set(self) -> bool:
        return self.item.question.kind == Question.Kind.RECORD_SET

    @property
    def css_class(self) -> str:
        css = f"question depth-{self.item.depth}"
        if self.is_record_set:
            return css + " question-record-set"
        return css + " question-reflection" if self.item.question.is_reflection else css


class QuestionFieldsForm(forms.Form):
    """One phase's questions as program managers see them, each answer a few fields named
    after its question key (as its kind asks), labelled with the question's number, with
    its answer as initial value; `read_only` disables them all (the admin's preview).
    Questions whose ids are in `hidden_ids` do not apply now (see conditions.py): they are
    on the page, hidden until their condition holds.

    Built from numbered question items (see selectors.numbered_items). A page shows it
    question by question (`question_blocks`), each block's fields written by its kind's
    `fields_template`, not by a crispy layout: a phase has dozens of fields, and laying
    them out one by one was most of a phase page's time. A subclass adds attributes to
    the container of a block's fields with `answer_attrs`.
    """

    def __init__(self, *args, items, read_only=False, hidden_ids=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(flatten(items))
        self.read_only = read_only
        self.hidden_ids = hidden_ids
        self.names = {}
        for item in self.items:
            # A record set's rows are edited in a table of their own, not in fields.
            if item.question.kind != Question.Kind.RECORD_SET:
                self.add_question_fields(item)

    def add_question_fields(self, item):
        question = item.question
        kind = kind_of(question)
        initial = kind.initial(item.value)
        names = self.names[question.id] = {}
        for suffix, form_field in kind.form_fields(question).items():
            if suffix == "":
                form_field.label = _label(item, question.text)
                # Form templates print help text as HTML; an admin's text must stay text.
                form_field.help_text = escape(question.help_text)
            else:
                # Several questions have an "Explanation" box: say whose it is.
                form_field.label = format_html(
                    '{} <span class="visually-hidden">({})</span>',
                    form_field.label,
                    item.number or "reflection",
                )
            form_field.disabled = self.read_only
            form_field.initial = initial.get(suffix)
            names[suffix or "main"] = field_name(question, suffix)
            self.fields[names[suffix or "main"]] = form_field

    def answer_attrs(self, item) -> dict:
        return {}

    def question_blocks(self) -> list[QuestionBlock]:
        return [
            QuestionBlock(
                item=item,
                fields={
                    suffix: self._answer_field(name)
                    for suffix, name in self.names.get(item.question.id, {}).items()
                },
                hidden=item.question.pk in self.hidden_ids,
                answer_attrs=flatatt(self.answer_attrs(item)),
            )
            for item in self.items
        ]

    def _answer_field(self, name) -> AnswerField:
        bound = self[name]
        widget = bound.field.widget
        value = widget.format_value(bound.value())
        options = []
        if isinstance(widget, forms.Select | forms.RadioSelect | forms.CheckboxSelectMultiple):
            chosen = set(value)
            options = [
                AnswerOption(
                    value=str(option_value),
                    label=option_label,
                    id=f"{bound.auto_id}_{index}",
                    chosen=str(option_value) in chosen,
                )
                for index, (option_value, option_label) in enumerate(bound.field.choices)
            ]
        return AnswerField(
            name=bound.html_name,
            id=bound.auto_id,
            label=bound.label,
            help_text=bound.help_text,
            errors=bound.errors,
            value=value,
            attrs=flatatt(widget.attrs),
            disabled=bound.field.disabled,
            options=options,
        )
