"""The admin's formsets: a version's phases and a phase's questions, each page's rows
checked together with the rules that publishing applies (rules.py)."""

from dataclasses import dataclass

from adminsortable2.admin import CustomInlineFormSet
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

from ..models import Question
from ..rules import QuestionRow, condition_problems, structure_problems, undeletable_phase_message
from ..versions import reading_order
from .forms import FORM_FIELDS


@dataclass
class _PlacedRow:
    """A row of the phase's page where it will be placed once saved (see reading_order)."""

    row: QuestionRow
    pk: int
    parent_id: int | None
    order: float
    is_reflection: bool


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
        before: list[QuestionRow] = []
        after: list[QuestionRow] = []
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
            stand_in = _PlacedRow(
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
