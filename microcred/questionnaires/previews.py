"""A phase as program managers see it, for template admins to try: every field enabled
(nothing is saved), each conditional question labelled with its condition, and what the
page's script needs to show and hide dependants as answers are chosen."""

import json
from dataclasses import dataclass

from django.forms.utils import flatatt

from .differences import placed_questions
from .forms import QuestionBlock, QuestionFieldsForm
from .models import Phase
from .selectors import numbered_items


@dataclass(frozen=True)
class PreviewBlock:
    """A question of the preview: its block of fields, its condition in words ("" when
    always shown) and the attributes that tell the script what it depends on."""

    block: QuestionBlock
    condition: str
    attrs: str


def phase_preview(*, phase: Phase) -> list[PreviewBlock]:
    """The phase's questions as blocks to try. A condition on a question of another phase
    is labelled, but cannot be tried here: that question is shown."""
    questions = list(phase.questions.order_by("order"))
    form = QuestionFieldsForm(items=numbered_items(questions))
    placed = {question.key: question for question in placed_questions(phase.version)}
    preview = []
    for block in form.question_blocks():
        question = placed[block.key]
        attrs = {}
        if question.parent_key is not None:
            attrs["data-parent"] = question.parent_key
        if question.condition_key is not None:
            attrs["data-show-if"] = question.condition_key
            attrs["data-show-for"] = json.dumps(list(question.condition_values))
        preview.append(
            PreviewBlock(block=block, condition=question.condition, attrs=flatatt(attrs))
        )
    return preview
