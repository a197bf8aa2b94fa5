"""Template versions over time: drafts, publishing, YAML import, the order of a draft's
phases and questions.

A published version never changes (plans are pinned to it); a retired one neither. Every
change starts as a draft: a copy of a version, or an imported YAML file.
"""

from collections import defaultdict
from typing import Any, Protocol, TypeVar, cast

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .documents import document_of, document_problems
from .models import Phase, Question, TemplateVersion
from .rules import (
    InvalidTemplate,
    Problem,
    QuestionRow,
    missing_phase_problems,
    version_problems,
)
from .services import create_template_version
from .template_files import parse_template_yaml

DRAFT = TemplateVersion.Status.DRAFT
PUBLISHED = TemplateVersion.Status.PUBLISHED


class VersionFrozen(Exception):
    """A published or retired version, which never changes."""


class PublishRefused(Exception):
    pass


def frozen_message(version: TemplateVersion) -> str:
    return (
        f"Version {version.number} is {version.get_status_display().lower()} and never "
        "changes. To change its questions, use “Create a draft from this version” and edit "
        "the draft."
    )


def ensure_draft(version: TemplateVersion) -> None:
    if version.status != DRAFT:
        raise VersionFrozen(frozen_message(version))


def next_version_number() -> int:
    return (TemplateVersion.objects.aggregate(highest=Max("number"))["highest"] or 0) + 1


@transaction.atomic
def create_draft(*, source: TemplateVersion) -> TemplateVersion:
    """A new draft, numbered after every existing version, with a copy of the source's
    phases and questions (keys kept, so that answers can follow them)."""
    document = {**document_of(source), "number": next_version_number()}
    return create_template_version(
        document=document, status=DRAFT, notes=f"Drafted from version {source.number}."
    )


@transaction.atomic
def import_template(*, text: str, number: int | None = None) -> TemplateVersion:
    """A new draft from a YAML template document (see documents.py), numbered `number` or
    the next free number. Raises InvalidTemplate with every problem of the file, and
    then writes nothing."""
    document, problems = parse_template_yaml(text)
    if not problems:
        problems = document_problems(document)
    if number is not None and TemplateVersion.objects.filter(number=number).exists():
        problems.append(
            Problem(
                f"Version {number} already exists: choose another number, or none to take "
                f"the next free one ({next_version_number()}).",
                field="number",
            )
        )
    if problems:
        raise InvalidTemplate(problems)
    # A document without problems is a mapping of the shape documents.py describes.
    document = cast(dict[str, Any], document)
    exported_from = document.get("number")
    notes = "Imported from YAML" + (
        f" (exported from version {exported_from})." if exported_from else "."
    )
    return create_template_version(
        document={**document, "number": number or next_version_number()},
        status=DRAFT,
        notes=notes,
    )


def version_rows(version: TemplateVersion) -> list[QuestionRow]:
    """The version's questions, in reading order, as the rules read them."""
    questions = list(
        Question.objects.filter(version=version)
        .select_related("phase")
        .order_by("phase__order", "order")
    )
    keys: dict[int, str] = {question.pk: question.key for question in questions}

    def key_of(question_id: int | None) -> str | None:
        # A question of another version (which the rules refuse) is named by its id.
        return None if question_id is None else keys.get(question_id, str(question_id))

    return [
        QuestionRow(
            phase=question.phase.slug,
            key=question.key,
            text=question.text,
            kind=question.kind,
            choices=question.choices,
            allow_other=question.allow_other,
            parent=key_of(question.parent_id),
            is_reflection=question.is_reflection,
            explanation_required=question.explanation_required,
            record_type=question.record_type,
            show_if=key_of(question.show_if_question_id),
            show_if_values=question.show_if_values,
        )
        for question in questions
    ]


def publishing_problems(version: TemplateVersion) -> list[Problem]:
    """What stops the version from being published."""
    rows = version_rows(version)
    slugs_with_questions = {row.phase for row in rows}
    slugs = list(version.phases.order_by("order").values_list("slug", flat=True))
    problems = [
        Problem("A phase needs at least one question.", phase=slug)
        for slug in slugs
        if slug not in slugs_with_questions
    ]
    if not rows and not problems:
        problems.append(Problem("A version needs at least one phase with questions."))
    return problems + missing_phase_problems(slugs) + version_problems(rows)


@transaction.atomic
def publish_version(*, version: TemplateVersion) -> TemplateVersion:
    """Publish a draft: check it against the rules, freeze it, and retire the version
    published before it, so that new plans start on this one. Existing plans keep their
    version until an owner moves them. Raises InvalidTemplate with what is wrong."""
    version = TemplateVersion.objects.select_for_update().get(pk=version.pk)
    ensure_draft(version)
    newest = (
        TemplateVersion.objects.filter(status=PUBLISHED).order_by("-number").only("number").first()
    )
    if newest is not None and newest.number > version.number:
        raise PublishRefused(
            f"Version {version.number} is older than the published version {newest.number}: "
            f"create a draft from version {newest.number} and make your changes there."
        )
    problems = publishing_problems(version)
    if problems:
        raise InvalidTemplate(problems)
    TemplateVersion.objects.filter(status=PUBLISHED).update(status=TemplateVersion.Status.RETIRED)
    published = TemplateVersion.objects.filter(pk=version.pk, status=DRAFT).update(
        status=PUBLISHED, published_at=timezone.now()
    )
    if not published:
        raise VersionFrozen(frozen_message(version))
    version.refresh_from_db()
    return version


@transaction.atomic
def renumber_phases(*, version: TemplateVersion) -> None:
    """Number the draft's phases 1, 2, 3... in their current order."""
    ensure_draft(version)
    phases = list(version.phases.order_by("order", "pk"))
    for position, phase in enumerate(phases, start=1):
        phase.order = position
    Phase.objects.bulk_update(phases, ["order"])


class Placed(Protocol):
    """Where a question is placed, as reading order reads it (of a Question, or of a
    stand-in for a question being edited)."""

    @property
    def pk(self) -> int: ...

    @property
    def parent_id(self) -> int | None: ...

    @property
    def order(self) -> float: ...

    @property
    def is_reflection(self) -> bool: ...


PlacedT = TypeVar("PlacedT", bound=Placed)


def reading_order(questions: list[PlacedT]) -> list[PlacedT]:
    """Questions depth-first, each parent before its sub-questions, siblings by their
    current order, the reflection question last. A question whose parent is not among
    them (which the rules forbid) comes at the end rather than being lost."""
    children: defaultdict[int | None, list[PlacedT]] = defaultdict(list)
    for question in sorted(questions, key=lambda q: (q.is_reflection, q.order, q.pk)):
        children[question.parent_id].append(question)
    ordered: list[PlacedT] = []
    seen: set[int] = set()

    def walk(parent_id: int | None) -> None:
        for question in children[parent_id]:
            if question.pk not in seen:
                seen.add(question.pk)
                ordered.append(question)
                walk(question.pk)

    walk(None)
    return ordered + [question for question in questions if question.pk not in seen]


@transaction.atomic
def renumber_questions(*, phase: Phase) -> None:
    """Set each of the draft phase's questions' order to its position in reading order,
    which numbering (1, 1.1, 1.1.1) relies on, after questions were added, dragged to a
    new place among their siblings, or given another parent."""
    ensure_draft(phase.version)
    questions = reading_order(list(phase.questions.all()))
    changed = []
    for position, question in enumerate(questions, start=1):
        if question.order != position:
            question.order = position
            changed.append(question)
    Question.objects.bulk_update(changed, ["order"])
