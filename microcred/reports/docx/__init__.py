"""The plan report as a Word document, made with python-docx from the same context as the
PDF (rendering.report_context): Word's own heading styles (phases Heading 1, questions
Heading 2 to 4 by depth) for its navigation pane and its table of contents, answers in
an indented "Answer" style, record sets as tables whose header row repeats on each page.

The package: writer.py (the document, its styles, paragraphs and tables), word_fields.py
(the XML python-docx has no words for), partials.py (panels and summaries read back
from their HTML), text.py (words as Word holds them), and the report's parts in order:
front_matter.py (properties, cover, contents), phases.py, appendix.py.
"""

from typing import Any

from .appendix import write_appendix
from .front_matter import has_appendix, write_contents, write_cover, write_properties
from .partials import PartialReader
from .phases import write_archived_answers, write_phase
from .text import xml_text
from .writer import WordWriter

__all__ = ["PartialReader", "render_plan_docx", "xml_text"]


def render_plan_docx(context: dict[str, Any]) -> bytes:
    """The plan report (rendering.report_context) as a .docx file's bytes."""
    writer = WordWriter(paper=context["paper"])
    write_properties(writer, context)
    write_cover(writer, context)
    write_contents(writer, context)
    for section in context["sections"]:
        write_phase(writer, section, no_answers_text=context["no_answers_text"])
    if context["archived_answers"]:
        write_archived_answers(writer, context)
    if has_appendix(context):
        write_appendix(writer, context)
    return writer.file_bytes()
