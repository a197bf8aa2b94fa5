"""Template documents: a whole template version as plain data, and as YAML.

The shape is that of `defaults.default_template_document()`:

    number: 2                    # which version it was exported from (import picks its own)
    name: Phases of Microcredential Development
    phases:
      - slug: strategic-planning
        title: Strategic Planning
        intro: Strategic planning decides ...
        questions:
          - key: business_case   # stable: answers follow it from one version to the next
            text: What is the business case?
            help_text: ...       # optional
            kind: long_text      # optional, long_text by default
            choices: [A, B]      # single and multiple choice questions only
            allow_other: true    # optional: offer "Other (please specify)"
            required: true       # optional, false by default
            explanation_required: true  # optional, yes_no only: the explanation is needed
            reflection: true     # optional: the phase's closing reflection question
            record_type: planning.price_tiers  # record_set questions only: their table
            show_if: {question: credential_model, in: [Stackable]}  # optional: shown only
                                 # when that earlier choice or yes / no question has one
                                 # of these answers ("yes", "no" for yes / no questions)
            children: [...]      # sub-questions, with the same fields

A version's status is not part of its document: an imported version is a draft.
A template file is read within limits first: see template_files.py.
"""

import re
from collections.abc import Sequence
from typing import Any, TypedDict, Unpack, cast

import yaml
from django.core.exceptions import ValidationError

from .models import Question, TemplateVersion
from .rules import (
    Problem,
    QuestionRow,
    condition_answers,
    missing_phase_problems,
    version_problems,
)
from .typed_text import check_typed_text

DOCUMENT_FIELDS = ("number", "name", "phases")
PHASE_FIELDS = ("slug", "title", "intro", "questions")
QUESTION_FIELDS = (
    "key",
    "text",
    "help_text",
    "kind",
    "choices",
    "allow_other",
    "required",
    "explanation_required",
    "reflection",
    "record_type",
    "show_if",
    "children",
)
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
KEY_MAX = cast(int, Question._meta.get_field("key").max_length)
SLUG_MAX = 60
TITLE_MAX = 120
NAME_MAX = cast(int, TemplateVersion._meta.get_field("name").max_length)


def _question_entry(question: Question) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": question.key, "text": question.text}
    if question.help_text:
        entry["help_text"] = question.help_text
    entry["kind"] = question.kind
    if question.choices:
        entry["choices"] = list(question.choices)
    if question.allow_other:
        entry["allow_other"] = True
    entry["required"] = question.required
    if question.explanation_required:
        entry["explanation_required"] = True
    if question.is_reflection:
        entry["reflection"] = True
    if question.record_type:
        entry["record_type"] = question.record_type
    return entry


def document_of(version: TemplateVersion) -> dict[str, Any]:
    """The version as a template document, in two queries."""
    phases: dict[int, dict[str, Any]] = {
        phase.pk: {"slug": phase.slug, "title": phase.title, "intro": phase.intro, "questions": []}
        for phase in version.phases.order_by("order")
    }
    entries: dict[int | None, dict[str, Any]] = {}
    questions = list(Question.objects.filter(version=version).order_by("phase__order", "order"))
    keys = {question.pk: question.key for question in questions}
    for question in questions:
        entry = entries[question.pk] = _question_entry(question)
        if question.show_if_question_id in keys:
            entry["show_if"] = {
                "question": keys[question.show_if_question_id],
                "in": list(question.show_if_values),
            }
        parent = entries.get(question.parent_id)
        if parent is None:
            phases[question.phase_id]["questions"].append(entry)
        else:
            parent.setdefault("children", []).append(entry)
    return {"number": version.number, "name": version.name, "phases": list(phases.values())}


def template_yaml(version: TemplateVersion) -> str:
    return yaml.safe_dump(
        document_of(version), sort_keys=False, allow_unicode=True, width=100, indent=2
    )


class Where(TypedDict, total=False):
    """Where in a document a problem is: its phase and question (see rules.Problem)."""

    phase: str
    question: str


class _Checker:
    """Walks a document, collecting every problem of its shape (missing or mistyped
    fields) and the questions as rows for the rules."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.rows: list[QuestionRow] = []
        self.slugs: set[str] | None = (
            None  # the phases' slugs, once the document has a list of phases
        )

    def add(self, message: str, *, field: str = "", **where: Unpack[Where]) -> None:
        self.problems.append(Problem(message, field=field, **where))

    def unknown_fields(
        self, mapping: dict[str, Any], known: Sequence[str], **where: Unpack[Where]
    ) -> None:
        for name in mapping:
            if name not in known:
                self.add(
                    f"“{name}” is not a field here; the fields are: {', '.join(known)}.",
                    **where,
                )

    def text(
        self,
        mapping: dict[str, Any],
        name: str,
        *,
        required: bool,
        max_length: int | None = None,
        **where: Unpack[Where],
    ) -> str:
        value = mapping.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add("This is required.", field=name, **where)
            return ""
        if not isinstance(value, str):
            self.add("This must be text.", field=name, **where)
            return ""
        if max_length and len(value) > max_length:
            self.add(f"Keep this under {max_length} characters.", field=name, **where)
        return value

    def shown_text(
        self,
        mapping: dict[str, Any],
        name: str,
        *,
        required: bool,
        one_line: bool,
        max_length: int | None = None,
        **where: Unpack[Where],
    ) -> str:
        """Text that planners read, held to what no text takes (typed_text.py)."""
        value = self.text(mapping, name, required=required, max_length=max_length, **where)
        self.typed(value, field=name, one_line=one_line, **where)
        return value

    def typed(self, value: str, *, field: str, one_line: bool, **where: Unpack[Where]) -> None:
        try:
            check_typed_text(value, what="This text", one_line=one_line)
        except ValidationError as error:
            self.add(" ".join(error.messages), field=field, **where)

    def flag(self, mapping: dict[str, Any], name: str, **where: Unpack[Where]) -> bool:
        value = mapping.get(name, False)
        if not isinstance(value, bool):
            self.add("This must be true or false.", field=name, **where)
            return False
        return value

    def identifier(
        self,
        mapping: dict[str, Any],
        name: str,
        *,
        max_length: int,
        example: str,
        **where: Unpack[Where],
    ) -> str:
        value = self.text(mapping, name, required=True, **where)
        if value and (not SLUG.match(value) or len(value) > max_length):
            self.add(
                f"Use only letters, digits, hyphens and underscores, at most {max_length} "
                f"characters, such as {example}.",
                field=name,
                **where,
            )
        return value

    def document(self, document: object) -> None:
        if not isinstance(document, dict):
            self.add("The file must hold a template: a name and a list of phases.")
            return
        self.unknown_fields(document, DOCUMENT_FIELDS)
        self.shown_text(document, "name", required=True, one_line=True, max_length=NAME_MAX)
        number = document.get("number")
        if number is not None and (type(number) is not int or number < 1):
            self.add("The number must be a whole number, 1 or more.", field="number")
        phases = document.get("phases")
        if not isinstance(phases, list) or not phases:
            self.add("A template needs a list of phases.", field="phases")
            return
        self.slugs = set()
        for position, phase in enumerate(phases, start=1):
            self.phase(phase, position, self.slugs)

    def phase(self, phase: object, position: int, slugs: set[str]) -> None:
        if not isinstance(phase, dict):
            self.add("Each phase must have a slug, a title and questions.", phase=f"#{position}")
            return
        slug = phase["slug"] if isinstance(phase.get("slug"), str) else ""
        where: Where = {"phase": slug or f"#{position}"}
        self.unknown_fields(phase, PHASE_FIELDS, **where)
        self.identifier(phase, "slug", max_length=SLUG_MAX, example="strategic-planning", **where)
        if slug and slug in slugs:
            self.add(
                "Another phase has this slug: each phase needs its own.", field="slug", **where
            )
        slugs.add(slug)
        self.shown_text(phase, "title", required=True, one_line=True, max_length=TITLE_MAX, **where)
        self.shown_text(phase, "intro", required=False, one_line=False, **where)
        questions = phase.get("questions")
        if not isinstance(questions, list) or not questions:
            self.add("A phase needs a list of questions.", field="questions", **where)
            return
        counter = [0]
        for question in questions:
            self.question(question, phase=where["phase"], parent=None, counter=counter)

    def question(
        self, question: object, *, phase: str, parent: str | None, counter: list[int]
    ) -> None:
        counter[0] += 1
        if not isinstance(question, dict):
            self.add(
                "Each question must have at least a key and a text.",
                phase=phase,
                question=f"#{counter[0]}",
            )
            return
        key = question["key"] if isinstance(question.get("key"), str) else ""
        where: Where = {"phase": phase, "question": key or f"#{counter[0]}"}
        self.unknown_fields(question, QUESTION_FIELDS, **where)
        self.identifier(question, "key", max_length=KEY_MAX, example="business_case", **where)
        self.shown_text(question, "text", required=True, one_line=False, **where)
        self.shown_text(question, "help_text", required=False, one_line=False, **where)
        kind = self.kind(question, **where)
        choices = self.choices(question, **where)
        self.flag(question, "required", **where)
        record_type = self.record_type(question, **where)
        show_if, show_if_values = self.condition(question.get("show_if"), **where)
        row = QuestionRow(
            phase=phase,
            key=key or f"#{counter[0]}",
            text=question.get("text") or "",
            kind=kind,
            choices=choices,
            allow_other=self.flag(question, "allow_other", **where),
            parent=parent,
            is_reflection=self.flag(question, "reflection", **where),
            explanation_required=self.flag(question, "explanation_required", **where),
            record_type=record_type,
            show_if=show_if,
            show_if_values=show_if_values,
        )
        self.rows.append(row)
        children = question.get("children", [])
        if not isinstance(children, list):
            self.add("List the sub-questions under children.", field="children", **where)
            return
        for child in children:
            self.question(child, phase=phase, parent=row.key, counter=counter)

    def kind(self, mapping: dict[str, Any], **where: Unpack[Where]) -> str:
        kind = mapping.get("kind", Question.Kind.LONG_TEXT)
        if not isinstance(kind, str):
            self.add("This must be text.", field="kind", **where)
            return str(Question.Kind.LONG_TEXT)
        return kind

    def choices(self, mapping: dict[str, Any], **where: Unpack[Where]) -> list[str]:
        choices = mapping.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) and c for c in choices):
            self.add(
                "List the choices as text, such as [Yes, No]; quote any that look like "
                "numbers or dates.",
                field="choices",
                **where,
            )
            return []
        for choice in choices:
            self.typed(choice, field="choices", one_line=True, **where)
        return choices

    def record_type(self, mapping: dict[str, Any], **where: Unpack[Where]) -> str:
        record_type = mapping.get("record_type", "")
        if not isinstance(record_type, str):
            self.add("Name the record type as text, such as planning.price_tiers.", **where)
            return ""
        return record_type

    def condition(self, condition: object, **where: Unpack[Where]) -> tuple[str | None, list[str]]:
        """The key and answers of a `show_if: {question: key, in: [answers]}`."""
        if condition is None:
            return None, []
        values = condition.get("in") if isinstance(condition, dict) else None
        if isinstance(values, list):
            values = condition_answers(values)
        if (
            not isinstance(condition, dict)
            or set(condition) != {"question", "in"}
            or not isinstance(condition["question"], str)
            or not isinstance(values, list)
            or not all(isinstance(value, str) for value in values)
        ):
            self.add(
                "Write the condition as {question: <an earlier question's key>, in: [<its "
                "answers that show this question>]}.",
                field="show_if",
                **where,
            )
            return None, []
        # Every answer was checked to be text just above.
        return condition["question"], cast(list[str], values)


def document_problems(document: object) -> list[Problem]:
    """Every problem of a template document, each with where it is: the shape of the
    document first, then the rules every version follows (see rules.py)."""
    checker = _Checker()
    checker.document(document)
    missing = [] if checker.slugs is None else missing_phase_problems(checker.slugs)
    return checker.problems + missing + version_problems(checker.rows)
