"""The answer fields of a phase's questions, as program managers see them (and template
admins in the admin's preview): one form per phase, shown question by question, each
question's fields written by its kind's template."""

import dataclasses
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorList, flatatt
from django.utils.functional import Promise
from django.utils.html import escape, format_html

from .kinds import HOLDS_BACK_ANSWER, kind_of
from .models import Question
from .selectors import QuestionItem, flatten


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
    label: str | Promise
    help_text: str | Promise
    errors: ErrorList
    value: object
    attrs: str
    disabled: bool
    options: list["AnswerOption"] = dataclasses.field(default_factory=list)
    # app.js holds the answer back until this field has text, and says so in a warning.
    holds_back_answer: bool = False

    @property
    def help_id(self) -> str:
        return f"{self.id}_helptext"

    @property
    def error_id(self) -> str:
        return f"{self.id}_error"

    @property
    def warning_id(self) -> str:
        return f"{self.id}_warning"

    @property
    def describedby(self) -> str:
        ids = [self.help_id] if self.help_text else []
        if self.errors:
            ids.append(self.error_id)
        if self.holds_back_answer:
            ids.append(self.warning_id)
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

    item: QuestionItem
    fields: dict[str, AnswerField]
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
            # A choice widget's field is a ChoiceField: its choices, normalized, are pairs.
            field_choices: list[tuple[object, str]] = cast(Any, bound.field).choices
            options = [
                AnswerOption(
                    value=str(option_value),
                    label=option_label,
                    id=f"{bound.auto_id}_{index}",
                    chosen=str(option_value) in chosen,
                )
                for index, (option_value, option_label) in enumerate(field_choices)
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
            holds_back_answer=HOLDS_BACK_ANSWER in widget.attrs and not bound.field.disabled,
        )
