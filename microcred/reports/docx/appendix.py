"""The appendix: the review rounds, and the comments left unresolved."""

from typing import Any

from django.utils.text import Truncator

from ..content import AppendixThread
from .front_matter import APPENDIX_TITLE
from .text import NO_DATA, day_text, person_name
from .writer import ANSWER_STYLE, WordWriter

COMMENT_CHARS = 1500  # as the PDF's appendix prints them
THREAD_QUESTION_WORDS = 18


def write_appendix(writer: WordWriter, context: dict[str, Any]) -> None:
    writer.heading(APPENDIX_TITLE, "Heading 1", new_page=True)
    writer.heading("Review rounds", "Heading 2")
    rounds = context["rounds"]
    if rounds:
        writer.table(
            ["Round", "Submitted", "Note from the submitter", "Decision", "Reason"],
            [round_cells(review_round) for review_round in rounds],
        )
    else:
        writer.paragraph("The plan has not been submitted for review yet.")
    writer.heading("Unresolved comments", "Heading 2")
    threads = context["open_threads"]
    for entry in threads:
        write_thread(writer, entry)
    if not threads:
        writer.paragraph("No comment is left unresolved.")
    if threads.hidden:
        writer.paragraph(
            f"{threads.hidden} more unresolved thread{'s are' if threads.hidden > 1 else ' is'}"
            f" not printed here: {threads.total} in all. Read them all on the plan's "
            "Comments page."
        )


def write_thread(writer: WordWriter, entry: AppendixThread) -> None:
    comment = entry.thread.comment
    if comment.question:
        number = f"{entry.number} " if entry.number else ""
        question = Truncator(comment.question.text).words(THREAD_QUESTION_WORDS)
        where = f"{comment.phase.title}: {number}{question}"
    else:
        where = f"{comment.phase.title} (whole phase)"
    writer.paragraph(where, bold=True)
    for said in [comment, *entry.thread.replies]:
        paragraph = writer.new_paragraph(ANSWER_STYLE)
        writer.add_run(paragraph, person_name(said.author, "A former member"), bold=True)
        writer.add_run(
            paragraph,
            f", {day_text(said.created_at)}: {Truncator(said.body).chars(COMMENT_CHARS)}",
        )
    more = entry.thread.more_replies
    if more:
        writer.paragraph(
            f"… and {more} more repl{'ies' if more > 1 else 'y'}, not printed here.",
            style=ANSWER_STYLE,
        )


def round_cells(review_round: Any) -> list[str]:
    submitted = day_text(review_round.submitted_at)
    if review_round.submitted_by:
        submitted += f", {person_name(review_round.submitted_by)}"
    if review_round.decision:
        decision = (
            f"{review_round.get_decision_display()}, "
            f"{person_name(review_round.decided_by, 'a former reviewer')}, "
            f"{day_text(review_round.decided_at)}"
        )
    else:
        decision = "Awaiting a decision"
    return [
        str(review_round.number),
        submitted,
        review_round.note or NO_DATA,
        decision,
        review_round.reason or NO_DATA,
    ]
