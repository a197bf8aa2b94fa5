"""The phases: each question under its heading (Heading 2 to 4 by depth), its answer in
the "Answer" style, a record set as a table, the panels that follow it; then the
answers archived from earlier template versions."""

from typing import Any

from microcred.questionnaires.kinds import display_value
from microcred.questionnaires.selectors import FollowingPanel, QuestionItem, RecordSetTable

from ..content import PhaseSection
from .partials import partial_blocks
from .text import heading_style
from .writer import ANSWER_STYLE, WordWriter


def write_phase(writer: WordWriter, section: PhaseSection, *, no_answers_text: str) -> None:
    writer.heading(f"{section.number}. {section.phase.title}", "Heading 1", new_page=True)
    if section.phase.intro:
        writer.paragraphs(section.phase.intro, style=None)
    if not section.items:
        writer.paragraph(no_answers_text, style=ANSWER_STYLE, italic=True)
    for item in section.numbered:
        write_question(writer, item)
    reflection = section.reflection
    if reflection:
        writer.heading("Reflection", heading_style(0))
        writer.paragraph(reflection.question.text, bold=True)
        write_answer(writer, reflection)
        for child in reflection.children:
            write_question(writer, child)
    for panel in section.end_panels:
        write_panel(writer, panel)


def write_question(writer: WordWriter, item: QuestionItem) -> None:
    writer.heading(f"{item.number} {item.question.text}", heading_style(item.depth))
    write_answer(writer, item)
    for panel in item.panels:
        write_panel(writer, panel)
    for child in item.children:
        write_question(writer, child)


def write_answer(writer: WordWriter, item: QuestionItem) -> None:
    if item.not_applicable:
        writer.paragraph(f"Not applicable: {item.not_applicable}", style=ANSWER_STYLE, italic=True)
    elif item.record_set:
        write_record_set(writer, item.record_set)
    elif item.value is None:
        required = " (required)" if item.question.required else ""
        writer.paragraph(f"Not answered{required}", style=ANSWER_STYLE, italic=True)
    else:
        writer.paragraphs(display_value(item.question, item.value))


def write_record_set(writer: WordWriter, record_set: RecordSetTable) -> None:
    if not record_set.rows:
        label = record_set.record_type.label.lower()
        writer.paragraph(f"No {label} yet.", style=ANSWER_STYLE, italic=True)
        return
    columns = record_set.columns
    writer.table(
        [column.heading for column in columns],
        [[text for _column, text in cells] for _row, cells in record_set.body],
        numeric={position for position, column in enumerate(columns) if column.numeric},
    )
    for figure in record_set.figures:
        writer.paragraph(f"{figure.label}: {figure.value}", style=ANSWER_STYLE)
    summary = record_set.record_type.summary_template
    if summary:
        writer.blocks(partial_blocks(summary, {"record_set": record_set}))


def write_panel(writer: WordWriter, shown_panel: FollowingPanel) -> None:
    writer.blocks(partial_blocks(shown_panel.panel.pdf_template, {"panel": shown_panel}))


def write_archived_answers(writer: WordWriter, context: dict[str, Any]) -> None:
    plan = context["plan"]
    writer.heading("Archived answers", "Heading 1", new_page=True)
    writer.paragraph(
        f"Answers to questions that template version {plan.template_version.number} "
        "does not ask, kept from earlier versions of the template."
    )
    group = None
    for item in context["archived_answers"]:
        phase = item.question.phase
        if phase != group:
            group = phase
            writer.heading(f"{phase.title} (template version {phase.version.number})", "Heading 2")
        writer.heading(item.question.text, "Heading 3")
        write_answer(writer, item)
