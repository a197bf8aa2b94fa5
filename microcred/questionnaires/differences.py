"""What changed from one template version to another, question by question: added,
removed, reworded and moved questions, and changed conditions. Questions are matched by
their key, as answers follow them when a plan moves."""

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from .conditions import values_in_words
from .models import Question, TemplateVersion
from .selectors import flatten, numbered_items


@dataclass(frozen=True)
class PlacedQuestion:
    """A question of one version where that version places it."""

    key: str
    text: str
    number: str  # "" for the reflection question
    phase_slug: str
    phase_title: str
    parent_key: str | None
    condition_key: str | None
    condition_values: tuple[str, ...]
    condition: str  # in words; "" when always shown

    @property
    def place(self) -> str:
        """Where it is: "1.2 in Strategic Planning"."""
        return f"{self.number or 'the reflection question'} in {self.phase_title}"


@dataclass(frozen=True)
class QuestionChange:
    """A question that both versions ask (same key), as each places it."""

    before: PlacedQuestion
    after: PlacedQuestion

    @property
    def key(self) -> str:
        return self.after.key


@dataclass(frozen=True)
class VersionDifferences:
    old: TemplateVersion
    new: TemplateVersion
    added: list[PlacedQuestion]
    removed: list[PlacedQuestion]
    reworded: list[QuestionChange]
    moved: list[QuestionChange]
    conditions_changed: list[QuestionChange]

    @property
    def count(self) -> int:
        return sum(
            len(changes)
            for changes in (
                self.added,
                self.removed,
                self.reworded,
                self.moved,
                self.conditions_changed,
            )
        )


def placed_questions(version: TemplateVersion) -> list[PlacedQuestion]:
    """The version's questions in reading order, numbered as its pages number them, each
    condition in words. One query."""
    questions = list(
        Question.objects.filter(version=version)
        .select_related("phase")
        .order_by("phase__order", "order")
    )
    by_id = {question.pk: question for question in questions}
    numbers: dict[int, str] = {}
    for phase_id in dict.fromkeys(question.phase_id for question in questions):
        phase_questions = [question for question in questions if question.phase_id == phase_id]
        for item in flatten(numbered_items(phase_questions)):
            numbers[item.question.pk] = item.number
    placed = []
    for question in questions:
        parent = by_id.get(question.parent_id) if question.parent_id else None
        target = by_id.get(question.show_if_question_id) if question.show_if_question_id else None
        condition = ""
        if target is not None:
            where = numbers[target.pk] or "the reflection question"
            if target.phase_id != question.phase_id:
                where += f" in {target.phase.title}"
            condition = (
                f"Shown only when {where} “{target.text}” is "
                f"{values_in_words(question.show_if_values)}."
            )
        placed.append(
            PlacedQuestion(
                key=question.key,
                text=question.text,
                number=numbers[question.pk],
                phase_slug=question.phase.slug,
                phase_title=question.phase.title,
                parent_key=parent.key if parent else None,
                condition_key=target.key if target else None,
                condition_values=tuple(question.show_if_values) if target else (),
                condition=condition,
            )
        )
    return placed


def version_differences(*, old: TemplateVersion, new: TemplateVersion) -> VersionDifferences:
    """What changed from `old` to `new`, each list in the reading order of the version
    that has the question (`new`, but `old` for the removed ones). A question is moved
    when it changed phase or parent, or when it is out of order among its siblings that
    both versions ask (the fewest such: dragging one question up moves that one, not all
    those it passed; a new number alone is no move)."""
    before = {question.key: question for question in placed_questions(old)}
    after_list = placed_questions(new)
    after = {question.key: question for question in after_list}
    changes = [
        QuestionChange(before=before[question.key], after=question)
        for question in after_list
        if question.key in before
    ]
    regrouped = {
        change.key
        for change in changes
        if (change.before.phase_slug, change.before.parent_key)
        != (change.after.phase_slug, change.after.parent_key)
    }
    in_order = _siblings_in_the_same_order(
        before=[key for key in before if key in after and key not in regrouped],
        after=[change.after for change in changes if change.key not in regrouped],
    )
    return VersionDifferences(
        old=old,
        new=new,
        added=[question for question in after_list if question.key not in before],
        removed=[question for key, question in before.items() if key not in after],
        reworded=[change for change in changes if change.before.text != change.after.text],
        moved=[change for change in changes if change.key not in in_order],
        conditions_changed=[
            change
            for change in changes
            if (change.before.condition_key, set(change.before.condition_values))
            != (change.after.condition_key, set(change.after.condition_values))
        ],
    )


def _siblings_in_the_same_order(
    *, before: Sequence[str], after: Sequence[PlacedQuestion]
) -> set[str]:
    """The keys that keep their order among their siblings (same phase and parent in both
    versions): per group of siblings, a longest sequence both orders share."""
    siblings: dict[tuple[str, str | None], list[str]] = {}
    for question in after:
        siblings.setdefault((question.phase_slug, question.parent_key), []).append(question.key)
    position = {key: index for index, key in enumerate(before)}
    return {
        key
        for keys in siblings.values()
        for key in _keys_in_the_same_order([position[key] for key in keys], keys)
    }


def _keys_in_the_same_order(positions: Sequence[int], keys: Sequence[str]) -> set[str]:
    """The keys of a longest increasing run of their `positions` before."""
    # tails[n]: the index of the smallest last position of a run n + 1 long found so far.
    tails: list[int] = []
    tail_positions: list[int] = []
    previous: list[int | None] = []
    for index, position in enumerate(positions):
        length = bisect_left(tail_positions, position)
        previous.append(tails[length - 1] if length else None)
        if length == len(tails):
            tails.append(index)
            tail_positions.append(position)
        else:
            tails[length] = index
            tail_positions[length] = position
    kept: set[str] = set()
    current = tails[-1] if tails else None
    while current is not None:
        kept.add(keys[current])
        current = previous[current]
    return kept
