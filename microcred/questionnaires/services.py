from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .defaults import DEFAULT_TEMPLATE_RELEASE, default_template_document
from .models import Phase, Question, TemplateVersion
from .rules import condition_answers


def _create_questions(
    *,
    version: TemplateVersion,
    phase: Phase,
    items: list[dict[str, Any]],
    parent: Question | None = None,
    counter: list[int],
    conditions: list[tuple[Question, dict[str, Any]]],
) -> None:
    for item in items:
        counter[0] += 1
        question = Question.objects.create(
            version=version,
            phase=phase,
            parent=parent,
            key=item["key"],
            order=counter[0],
            text=item["text"].strip(),
            help_text=(item.get("help_text") or "").strip(),
            kind=item.get("kind", Question.Kind.LONG_TEXT),
            choices=list(item.get("choices", [])),
            allow_other=item.get("allow_other", False),
            required=item.get("required", False),
            explanation_required=item.get("explanation_required", False),
            is_reflection=item.get("reflection", False),
            record_type=item.get("record_type", ""),
        )
        if item.get("show_if"):
            conditions.append((question, item["show_if"]))
        _create_questions(
            version=version,
            phase=phase,
            items=item.get("children", []),
            parent=question,
            counter=counter,
            conditions=conditions,
        )


@transaction.atomic
def create_template_version(
    *, document: dict[str, Any], status: str, notes: str = "", default_release: int | None = None
) -> TemplateVersion:
    """Create a template version with its phases and questions from a template document
    (the shape of `default_template_document()`; see documents.py)."""
    version = TemplateVersion.objects.create(
        number=document["number"],
        name=document["name"].strip(),
        status=status,
        notes=notes,
        default_release=default_release,
        published_at=timezone.now() if status == TemplateVersion.Status.PUBLISHED else None,
    )
    conditions: list[tuple[Question, dict[str, Any]]] = []
    for order, phase_data in enumerate(document["phases"], start=1):
        phase = Phase.objects.create(
            version=version,
            slug=phase_data["slug"],
            order=order,
            title=phase_data["title"],
            intro=(phase_data.get("intro") or "").strip(),
        )
        _create_questions(
            version=version,
            phase=phase,
            items=phase_data["questions"],
            counter=[0],
            conditions=conditions,
        )
    keys = dict(Question.objects.filter(version=version).values_list("key", "pk"))
    for question, condition in conditions:
        question.show_if_question_id = keys[condition["question"]]
        question.show_if_values = condition_answers(condition["in"])
    Question.objects.bulk_update(
        [question for question, _ in conditions], ["show_if_question", "show_if_values"]
    )
    return version


def load_default_template() -> TemplateVersion:
    """The version holding the current release of the default questions (see
    defaults.py), loaded from the phase apps' files if this database does not have it
    yet. Safe to run again: a loaded release is returned as it is.

    A new release is published, so that new plans start on it, and the version published
    before is retired; plans keep their version until their owners move them. It takes
    the release's number when no version has it or a higher one, else the next free one.
    When template admins have published a version of their own, the release is loaded as
    a draft for them to review instead, and their version stays the one new plans start
    on."""
    release = DEFAULT_TEMPLATE_RELEASE
    existing = TemplateVersion.objects.filter(default_release=release).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        published = (
            TemplateVersion.objects.select_for_update()
            .filter(status=TemplateVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        highest = TemplateVersion.objects.aggregate(highest=Max("number"))["highest"] or 0
        if published is None or published.default_release is not None:
            status = TemplateVersion.Status.PUBLISHED
            notes = f"Default questions, release {release}."
            TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED).update(
                status=TemplateVersion.Status.RETIRED
            )
        else:
            status = TemplateVersion.Status.DRAFT
            notes = (
                f"Default questions, release {release}, loaded as a draft because version "
                f"{published.number} was published here: publish this draft to start new "
                "plans on the default questions."
            )
        return create_template_version(
            document={**default_template_document(), "number": max(release, highest + 1)},
            status=status,
            notes=notes,
            default_release=release,
        )
