"""What makes a template version valid: the rules that the admin, YAML import and
publishing all apply, so that a version can never be published in a shape that the
phase pages, the numbering (1, 1.1, 1.1.1) or the answer kinds cannot handle.

Each rule reads questions as flat `QuestionRow`s, whatever they come from (a YAML
document, the admin's forms, the database), and reports `Problem`s that say where.
"""

import dataclasses
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from .defaults import phase_apps
from .kinds import OTHER
from .models import Phase, Question
from .record_types import KNOWN_RECORD_TYPES

CHOICE_KINDS = {Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE}
# The kinds whose answers can decide whether a later question shows.
CONDITION_KINDS = {*CHOICE_KINDS, Question.Kind.YES_NO}
KIND_NAMES = ", ".join(Question.Kind.values)


@dataclass(frozen=True)
class Problem:
    """One thing wrong, and where: a phase (slug), a question (key), a field."""

    message: str
    phase: str = ""
    question: str = ""
    field: str = ""
    # The row at fault, so that a form can put the message beside its field.
    row: "QuestionRow | None" = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def location(self) -> str:
        parts = []
        if self.phase:
            parts.append(f"phase “{self.phase}”")
        if self.question:
            parts.append(f"question “{self.question}”")
        if self.field:
            parts.append(self.field)
        location = ", ".join(parts)
        return location[:1].upper() + location[1:]

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InvalidTemplate(Exception):
    """A template version or document that breaks the rules; `problems` says each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class QuestionRow:
    """A question as written, before or after it is saved. `parent` is a key."""

    phase: str
    key: str
    text: str = ""
    kind: str = Question.Kind.LONG_TEXT
    choices: list[str] = dataclasses.field(default_factory=list)
    allow_other: bool = False
    parent: str | None = None
    is_reflection: bool = False
    explanation_required: bool = False
    record_type: str = ""
    # The key of the earlier question whose answer shows this one, and the answers that do.
    show_if: str | None = None
    show_if_values: list[str] = dataclasses.field(default_factory=list)


def condition_answers(values: Sequence[object]) -> list[object]:
    """A condition's answers as written in YAML, which reads a bare yes or no as true or
    false: those become the yes / no kind's "yes" and "no"."""
    return [
        {True: "yes", False: "no"}[value] if isinstance(value, bool) else value for value in values
    ]


def condition_options(row: QuestionRow) -> list[str]:
    """The answers of a choice or yes / no question that a condition may name."""
    if row.kind == Question.Kind.YES_NO:
        return ["yes", "no"]
    return [*row.choices, *([OTHER] if row.allow_other else [])]


def _problem(row: QuestionRow, field: str, message: str) -> Problem:
    return Problem(message, phase=row.phase, question=row.key, field=field, row=row)


def row_problems(row: QuestionRow) -> list[Problem]:
    """The problems of one question on its own: its kind and its choices."""
    if row.kind not in Question.Kind.values:
        message = f"“{row.kind}” is not a question kind; use one of: {KIND_NAMES}."
        return [_problem(row, "kind", message)]
    problems = _record_type_problems(row)
    if row.explanation_required and row.kind != Question.Kind.YES_NO:
        message = "Only yes / no questions have an explanation to require."
        problems.append(_problem(row, "explanation_required", message))
    if row.kind not in CHOICE_KINDS:
        if row.choices:
            message = (
                "Only single and multiple choice questions have choices: "
                "remove the choices or change the kind."
            )
            problems.append(_problem(row, "choices", message))
        if row.allow_other:
            message = "“Allow other” only applies to single and multiple choice questions."
            problems.append(_problem(row, "allow_other", message))
        return problems
    if len(set(row.choices)) < 2:
        label = Question.Kind(row.kind).label.lower()
        message = f"A {label} question needs at least two choices, one per line."
        problems.append(_problem(row, "choices", message))
    for choice, count in Counter(row.choices).items():
        if count > 1:
            message = f"The choice “{choice}” is listed more than once."
            problems.append(_problem(row, "choices", message))
    if any(choice.strip().lower() == OTHER for choice in row.choices):
        message = (
            "Do not list “Other” as a choice: tick “Allow other” to offer an "
            "“Other (please specify)” box."
        )
        problems.append(_problem(row, "choices", message))
    return problems


def _record_type_problems(row: QuestionRow) -> list[Problem]:
    names = ", ".join(KNOWN_RECORD_TYPES) or "none is installed"
    if row.kind == Question.Kind.RECORD_SET:
        if not row.record_type:
            message = f"A record-set question names its record type; use one of: {names}."
            return [_problem(row, "record_type", message)]
        if row.record_type not in KNOWN_RECORD_TYPES:
            message = f"“{row.record_type}” is not a record type; use one of: {names}."
            return [_problem(row, "record_type", message)]
    elif row.record_type:
        message = "Only record-set questions name a record type: clear it or change the kind."
        return [_problem(row, "record_type", message)]
    return []


def condition_problems(rows: list[QuestionRow]) -> list[Problem]:
    """Conditions that cannot work: on the question itself, on a question that is not
    earlier in the version, not a choice or yes / no question, or on answers it does not
    offer. Only earlier questions may decide, so conditions never go round in a cycle."""
    problems = []
    earlier: dict[str, QuestionRow] = {}
    keys = {row.key for row in rows}
    for row in rows:
        if row.show_if is not None:
            problems.extend(_condition_problems(row, row.show_if, earlier, keys))
        earlier.setdefault(row.key, row)
    return problems


def _condition_problems(
    row: QuestionRow, show_if: str, earlier: Mapping[str, QuestionRow], keys: set[str]
) -> list[Problem]:
    target = earlier.get(show_if)
    if show_if == row.key:
        message = "A question cannot depend on its own answer."
    elif target is None and show_if in keys:
        message = (
            f"“{show_if}” comes after this question: a question can only depend on an earlier one."
        )
    elif target is None:
        message = f"There is no question “{show_if}” in this version to depend on."
    elif target.kind not in CONDITION_KINDS:
        message = (
            f"“{show_if}” is a {Question.Kind(target.kind).label.lower()} question: a "
            "question can only depend on a choice or yes / no question."
        )
    elif not row.show_if_values:
        message = f"Say which answers to “{show_if}” show this question."
    else:
        options = condition_options(target)
        unknown = [value for value in row.show_if_values if value not in options]
        if not unknown:
            return []
        message = (
            f"“{unknown[0]}” is not an answer to “{show_if}”; use one of: "
            + ", ".join(options)
            + "."
        )
    return [_problem(row, "show_if", message)]


def _cycle(
    row: QuestionRow, parent_of: Callable[[QuestionRow], QuestionRow | None]
) -> list[str] | None:
    """The keys from `row` up its parents until one repeats, or None if it reaches the top."""
    path = [row.key]
    current = parent_of(row)
    while current is not None:
        if current.key in path:
            return [*path[path.index(current.key) :], current.key]
        path.append(current.key)
        current = parent_of(current)
    return None


def _parent_problem(row: QuestionRow, parent: QuestionRow | None) -> str:
    if parent is None:
        return f"There is no question “{row.parent}” in this version."
    if parent.phase != row.phase:
        return (
            f"The parent question “{row.parent}” is in phase “{parent.phase}”: a "
            "sub-question must be in the same phase as its parent."
        )
    if parent.is_reflection:
        return "The reflection question cannot have sub-questions."
    return ""


def structure_problems(rows: list[QuestionRow]) -> list[Problem]:
    """Problems between questions: keys used twice in a version, parents that are missing,
    in another phase or part of a cycle, and more than one reflection in a phase.

    A key used twice is reported at each use after the first, so the order of `rows`
    decides which one is named."""
    problems = []
    first_by_key: dict[str, QuestionRow] = {}
    first_in_phase: dict[tuple[str, str], QuestionRow] = {}
    reflections: Counter[str] = Counter()
    for row in rows:
        first_in_phase.setdefault((row.phase, row.key), row)
        first = first_by_key.setdefault(row.key, row)
        if first is not row:
            where = "in this phase" if first.phase == row.phase else f"in phase “{first.phase}”"
            message = (
                f"The key “{row.key}” is already used {where}: each question of a "
                "version needs its own key."
            )
            problems.append(_problem(row, "key", message))
        if row.is_reflection:
            reflections[row.phase] += 1
            if reflections[row.phase] > 1:
                message = "A phase has one closing reflection question; this is a second one."
                problems.append(_problem(row, "reflection", message))
            if row.parent is not None:
                message = "The reflection question cannot be a sub-question."
                problems.append(_problem(row, "reflection", message))

    def parent_of(row: QuestionRow) -> QuestionRow | None:
        # A key used twice is reported above; its sub-questions follow the one beside them.
        if row.parent is None:
            return None
        return first_in_phase.get((row.phase, row.parent)) or first_by_key.get(row.parent)

    reported_cycles: set[frozenset[str]] = set()
    for row in rows:
        if row.parent is None:
            continue
        if message := _parent_problem(row, parent_of(row)):
            problems.append(_problem(row, "parent", message))
        cycle = _cycle(row, parent_of)
        if cycle and frozenset(cycle) not in reported_cycles:
            reported_cycles.add(frozenset(cycle))
            message = "A question cannot be inside itself: " + " → ".join(cycle) + "."
            problems.append(_problem(row, "parent", message))
    return problems


def version_problems(rows: list[QuestionRow]) -> list[Problem]:
    """Every problem of a version's questions: each question's own, then those between them."""
    problems = [problem for row in rows for problem in row_problems(row)]
    return problems + structure_problems(rows) + condition_problems(rows)


def bound_phases() -> dict[str, str]:
    """The slugs of the phases bound to a phase app (settings.PHASE_APPS), each with its
    app's name. The app's records and checks belong to that phase, so every version keeps
    it under that slug."""
    return {app.slug: app.title for app in phase_apps()}


def bound_slug_reason(slug: str) -> str:
    """Why the slug of the phase `slug` cannot change; "" when it can."""
    app = bound_phases().get(slug)
    return (
        f"The installed phase app “{app}” is bound to this slug: it cannot change." if app else ""
    )


def undeletable_phase_message(phase: Phase) -> str:
    """Why `phase` cannot be deleted from its draft; "" when it can."""
    app = bound_phases().get(phase.slug)
    if app is None:
        return ""
    return (
        f"The phase “{phase.title}” cannot be deleted: the installed phase app “{app}” is "
        f"bound to it (slug “{phase.slug}”), so every version keeps it."
    )


def missing_phase_problems(slugs: Collection[str]) -> list[Problem]:
    """A problem for each installed phase app whose phase is not among `slugs`."""
    return [
        Problem(
            f"This phase is missing: the installed phase app “{app}” needs it in every "
            "version. Add a phase with this slug.",
            phase=slug,
        )
        for slug, app in bound_phases().items()
        if slug not in slugs
    ]
