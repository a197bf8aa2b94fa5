"""The plan report as a Word document, made with python-docx from the same context as the
PDF (rendering.report_context): Word's own heading styles (phases Heading 1, questions
Heading 2 to 4 by depth) for its navigation pane and its table of contents, answers in
an indented "Answer" style, record sets as tables whose header row repeats on each page.

Computed panels (ROI, review calendar, item analysis) and the record types' summaries
exist only as template partials: their HTML is read back into paragraphs and tables
(PartialReader); charts are left out, their figures are in the tables beside them."""

import datetime
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.utils.text import Truncator
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from microcred.questionnaires.kinds import display_value

ANSWER_STYLE = "Answer"
# Characters XML 1.0 cannot hold (NUL and the other C0 controls but tab and line ends,
# lone surrogates, U+FFFE/U+FFFF): python-docx refuses them.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks other than "\n", including the vertical tab that Word itself uses for one.
OTHER_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\u2028\u2029]")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
TOC_LEVELS = "1-2"  # phases and their top-level questions
NO_DATA = "—"
COMMENT_CHARS = 1500  # as the PDF's appendix prints them
THREAD_QUESTION_WORDS = 18


def xml_text(text) -> str:
    """`text` as Word can hold it: every line break as "\\n", and without the characters
    XML forbids (an answer pasted from elsewhere may carry them)."""
    return XML_INVALID.sub("", OTHER_LINE_BREAKS.sub("\n", str(text)))


def heading_style(depth: int) -> str:
    """A question's heading style by its depth: Heading 2 for a top-level question."""
    return f"Heading {min(depth + 2, 4)}"


def person_name(user, default: str = "a former member") -> str:
    if user is None:
        return default
    return user.get_full_name() or user.username


def day_text(moment) -> str:
    return moment.strftime("%-d %B %Y") if moment else ""


def utc_naive(moment: datetime.datetime) -> datetime.datetime:
    """Word's core properties are in UTC, written without an offset."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


@dataclass
class TableBlock:
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class PartialReader(HTMLParser):
    """A report partial's HTML as blocks: ("heading", text), ("text", text) for each
    paragraph, list item or definition ("term: definition"), and TableBlocks. What is
    hidden from sight (a caption for screen readers) and drawings (SVG) are skipped."""

    SKIPPED = {"svg", "style", "script", "caption"}
    BLOCKS = {"p", "li", "dt", "dd", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list = []
        self.skipping: list[str] = []
        self.text: list[str] | None = None
        self.block_tag = ""
        self.table: TableBlock | None = None
        self.row: list[str] | None = None
        self.in_head = False
        self.term = ""

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.skipping or tag in self.SKIPPED or "visually-hidden" in classes:
            self.skipping.append(tag)
            return
        if tag == "table":
            self.table = TableBlock()
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.text, self.block_tag = [], tag
        elif tag == "br" and self.text is not None:
            self.text.append("\n")
        elif tag in self.BLOCKS and self.table is None:
            self.text, self.block_tag = [], tag

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag == "table" and self.table is not None:
            self.blocks.append(self.table)
            self.table = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "tr" and self.table is not None and self.row is not None:
            if self.in_head:
                self.table.header = self.row
            else:
                self.table.rows.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.row is not None and self.text is not None:
            self.row.append(self._take_text())
        elif tag == self.block_tag and self.text is not None:
            self._end_block(tag, self._take_text())

    def handle_data(self, data):
        if not self.skipping and self.text is not None:
            self.text.append(data)

    def _take_text(self) -> str:
        lines = "".join(self.text or []).split("\n")
        self.text, self.block_tag = None, ""
        return "\n".join(" ".join(line.split()) for line in lines).strip()

    def _end_block(self, tag: str, text: str) -> None:
        if tag == "dt":
            self.term = text
        elif tag == "dd":
            self.blocks.append(("text", f"{self.term}: {text}" if self.term else text))
            self.term = ""
        elif text and tag.startswith("h"):
            self.blocks.append(("heading", text))
        elif text:
            self.blocks.append(("text", text))


def partial_blocks(template: str, context: dict) -> list:
    reader = PartialReader()
    reader.feed(render_to_string(template, context))
    reader.close()
    return reader.blocks


class PlanDocument:
    """Writes one plan report into a new Word document."""

    def __init__(self, context: dict):
        self.context = context
        self.document = Document()
        self.style_ids: dict[str, str] = {}
        self._add_styles()

    def _add_styles(self) -> None:
        styles = self.document.styles
        answer = styles.add_style(ANSWER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        answer.base_style = styles["Normal"]
        answer.quick_style = True
        answer.paragraph_format.left_indent = Cm(0.75)
        answer.paragraph_format.space_after = Pt(6)
        for level in range(1, 5):
            # Word keeps a heading with what follows it; so must a numbered question.
            styles[f"Heading {level}"].paragraph_format.keep_with_next = True

    # --- text -----------------------------------------------------------------------

    def new_paragraph(self, style=None):
        paragraph = self.document.add_paragraph()
        if style:
            # By id: python-docx looks a style name up among every style, each time.
            paragraph._p.style = self.style_id(style)
        return paragraph

    def style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def paragraph(self, text="", *, style=None, italic=False, bold=False):
        paragraph = self.new_paragraph(style)
        if text:
            self.add_run(paragraph, text, italic=italic, bold=bold)
        return paragraph

    @staticmethod
    def add_run(paragraph, text, *, italic=False, bold=False):
        """A run of `text`, its line breaks as Word's."""
        lines = xml_text(text).split("\n")
        run = paragraph.add_run(lines[0])
        for line in lines[1:]:
            run.add_break(WD_BREAK.LINE)
            run.add_text(line)
        # Only when set: python-docx adds run properties even to say "inherit".
        if italic:
            run.italic = True
        if bold:
            run.bold = True
        return run

    def paragraphs(self, text: str, *, style=ANSWER_STYLE) -> None:
        """Text as its paragraphs (blank lines), each line break kept."""
        for part in PARAGRAPH_BREAK.split(xml_text(text).strip()):
            self.paragraph(part, style=style)

    def heading(self, text: str, style: str, *, new_page=False):
        paragraph = self.paragraph(text, style=style)
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        return paragraph

    # --- tables ---------------------------------------------------------------------

    def table(self, header: list[str], rows: list[list[str]], *, numeric=()) -> None:
        """A table whose first row is its `header` (if any), repeated at the top of each
        page the table runs onto."""
        lines = [header, *rows] if header else rows
        width = max([len(line) for line in lines] or [1])
        table = self.document.add_table(rows=len(lines), cols=width)
        table._tbl.tblPr.style = self.style_id("Table Grid")
        for position, (row, texts) in enumerate(zip(table.rows, lines, strict=True)):
            cells = row.cells
            for column, text in enumerate(texts[:width]):
                paragraph = cells[column].paragraphs[0]
                self.add_run(paragraph, text, bold=bool(header) and position == 0)
                if column in numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if header:
            mark_header_row(table.rows[0])

    def blocks(self, blocks: list) -> None:
        """A partial's blocks; its headings under the question it follows."""
        heading = heading_style(1)
        for block in blocks:
            if isinstance(block, TableBlock):
                self.table(block.header, block.rows)
            elif block[0] == "heading":
                self.heading(block[1], heading)
            else:
                self.paragraph(block[1], style=ANSWER_STYLE)

    # --- the report -----------------------------------------------------------------

    def write(self) -> bytes:
        self.properties()
        self.cover()
        self.contents()
        for section in self.context["sections"]:
            self.phase(section)
        if self.context["archived_answers"]:
            self.archived_answers()
        if self.context["show_appendix"] and (
            self.context["rounds"] or self.context["open_threads"]
        ):
            self.appendix()
        update_fields_on_open(self.document)
        drop_thumbnail(self.document)
        output = io.BytesIO()
        self.document.save(output)
        return output.getvalue()

    def properties(self) -> None:
        plan, context = self.context["plan"], self.context
        properties = self.document.core_properties
        properties.title = xml_text(f"{plan.title}: microcredential plan")
        properties.subject = xml_text(
            f"Plan for the {plan.title} microcredential, {plan.organization}"
        )
        properties.author = xml_text(context["author_names"] or plan.organization)
        properties.last_modified_by = "Microcred Planner"
        properties.keywords = xml_text(
            f"microcredential plan; {plan.organization}; {plan.get_status_display()}"
        )
        properties.category = "Microcredential plan"
        properties.comments = xml_text(context["options_text"])
        properties.language = "en"
        properties.revision = 1
        generated = utc_naive(context["generated_at"])
        properties.created = generated
        properties.modified = generated

    def cover(self) -> None:
        plan, context = self.context["plan"], self.context
        self.paragraph("Microcredential plan", style="Subtitle")
        self.paragraph(plan.title, style="Title")
        self.paragraph(plan.organization, bold=True)
        if plan.summary:
            self.paragraphs(plan.summary, style=None)
        version = context["version"]
        facts = [("Status", plan.get_status_display())]
        decision = context["decision"]
        if decision:
            facts.append(
                (
                    "Decision",
                    f"{decision.get_decision_display()} by "
                    f"{person_name(decision.decided_by, 'a former reviewer')} on "
                    f"{day_text(decision.decided_at)} (review round {decision.number})",
                )
            )
        facts += [
            ("Question template", f"Version {version.number}: {version.name}"),
            ("Date", day_text(context["generated_at"])),
            (
                "Written by",
                ", ".join(person_name(author) for author in context["authors"]) or NO_DATA,
            ),
            ("Progress", f"{context['answered']} of {context['total']} questions answered"),
        ]
        if context["options_text"]:
            facts.append(("Included", context["options_text"]))
        self.table([], [list(fact) for fact in facts])

    def contents(self) -> None:
        self.heading("Contents", "TOC Heading", new_page=True)
        self.paragraph(
            "Word fills in this table of contents, with page numbers, when it updates the "
            "document's fields: answer Yes when it asks on opening, or right-click the "
            "contents and choose Update Field.",
            italic=True,
        )
        entries = [
            f"{section.number}. {section.phase.title}" for section in self.context["sections"]
        ]
        if self.context["archived_answers"]:
            entries.append("Archived answers")
        if self.context["show_appendix"] and (
            self.context["rounds"] or self.context["open_threads"]
        ):
            entries.append("Appendix: review rounds and open comments")
        add_toc_field(self.document, entries)

    def phase(self, section) -> None:
        self.heading(f"{section.number}. {section.phase.title}", "Heading 1", new_page=True)
        if section.phase.intro:
            self.paragraphs(section.phase.intro, style=None)
        if not section.items:
            self.paragraph(self.context["no_answers_text"], style=ANSWER_STYLE, italic=True)
        for item in section.numbered:
            self.question(item)
        reflection = section.reflection
        if reflection:
            self.heading("Reflection", heading_style(0))
            self.paragraph(reflection.question.text, bold=True)
            self.answer(reflection)
            for child in reflection.children:
                self.question(child)
        for panel in section.end_panels:
            self.panel(panel)

    def question(self, item) -> None:
        self.heading(f"{item.number} {item.question.text}", heading_style(item.depth))
        self.answer(item)
        for panel in item.panels:
            self.panel(panel)
        for child in item.children:
            self.question(child)

    def answer(self, item) -> None:
        if item.not_applicable:
            self.paragraph(
                f"Not applicable: {item.not_applicable}", style=ANSWER_STYLE, italic=True
            )
        elif item.record_set:
            self.record_set(item.record_set)
        elif item.value is None:
            required = " (required)" if item.question.required else ""
            self.paragraph(f"Not answered{required}", style=ANSWER_STYLE, italic=True)
        else:
            self.paragraphs(display_value(item.question, item.value))

    def record_set(self, record_set) -> None:
        if not record_set.rows:
            label = record_set.record_type.label.lower()
            self.paragraph(f"No {label} yet.", style=ANSWER_STYLE, italic=True)
            return
        columns = record_set.columns
        self.table(
            [column.heading for column in columns],
            [[text for _column, text in cells] for _row, cells in record_set.body],
            numeric={position for position, column in enumerate(columns) if column.numeric},
        )
        for figure in record_set.figures:
            self.paragraph(f"{figure.label}: {figure.value}", style=ANSWER_STYLE)
        summary = record_set.record_type.summary_template
        if summary:
            self.blocks(partial_blocks(summary, {"record_set": record_set}))

    def panel(self, shown_panel) -> None:
        self.blocks(partial_blocks(shown_panel.panel.pdf_template, {"panel": shown_panel}))

    def archived_answers(self) -> None:
        plan = self.context["plan"]
        self.heading("Archived answers", "Heading 1", new_page=True)
        self.paragraph(
            f"Answers to questions that template version {plan.template_version.number} "
            "does not ask, kept from earlier versions of the template."
        )
        group = None
        for item in self.context["archived_answers"]:
            phase = item.question.phase
            if phase != group:
                group = phase
                self.heading(
                    f"{phase.title} (template version {phase.version.number})", "Heading 2"
                )
            self.heading(item.question.text, "Heading 3")
            self.answer(item)

    def appendix(self) -> None:
        self.heading("Appendix: review rounds and open comments", "Heading 1", new_page=True)
        self.heading("Review rounds", "Heading 2")
        rounds = self.context["rounds"]
        if rounds:
            self.table(
                ["Round", "Submitted", "Note from the submitter", "Decision", "Reason"],
                [round_cells(review_round) for review_round in rounds],
            )
        else:
            self.paragraph("The plan has not been submitted for review yet.")
        self.heading("Unresolved comments", "Heading 2")
        threads = self.context["open_threads"]
        for entry in threads:
            self.thread(entry)
        if not threads:
            self.paragraph("No comment is left unresolved.")
        if threads.hidden:
            self.paragraph(
                f"{threads.hidden} more unresolved thread{'s are' if threads.hidden > 1 else ' is'}"
                f" not printed here: {threads.total} in all. Read them all on the plan's "
                "Comments page."
            )

    def thread(self, entry) -> None:
        comment = entry.thread.comment
        if comment.question:
            number = f"{entry.number} " if entry.number else ""
            question = Truncator(comment.question.text).words(THREAD_QUESTION_WORDS)
            where = f"{comment.phase.title}: {number}{question}"
        else:
            where = f"{comment.phase.title} (whole phase)"
        self.paragraph(where, bold=True)
        for said in [comment, *entry.thread.replies]:
            paragraph = self.new_paragraph(ANSWER_STYLE)
            self.add_run(paragraph, person_name(said.author, "A former member"), bold=True)
            self.add_run(
                paragraph,
                f", {day_text(said.created_at)}: {Truncator(said.body).chars(COMMENT_CHARS)}",
            )
        more = entry.thread.more_replies
        if more:
            self.paragraph(
                f"… and {more} more repl{'ies' if more > 1 else 'y'}, not printed here.",
                style=ANSWER_STYLE,
            )


def round_cells(review_round) -> list[str]:
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


def mark_header_row(row) -> None:
    """Word repeats a row marked so at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def field_char(kind: str, *, dirty=False):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def add_toc_field(document, entries: list[str]) -> None:
    """A TOC field of the heading levels TOC_LEVELS, marked out of date so that Word
    builds it; until then it shows `entries`, one paragraph each (the phases, without
    page numbers), for readers that never update fields."""
    paragraphs = [document.add_paragraph() for _ in entries or [""]]
    first = paragraphs[0]._p
    first.append(field_char("begin", dirty=True))
    instruction_run = OxmlElement("w:r")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f' TOC \\o "{TOC_LEVELS}" \\h \\z \\u '
    instruction_run.append(instruction)
    first.append(instruction_run)
    first.append(field_char("separate"))
    for paragraph, entry in zip(paragraphs, entries or [""], strict=True):
        paragraph.add_run(xml_text(entry))
    paragraphs[-1]._p.append(field_char("end"))


# What may follow w:updateFields in settings.xml: Word refuses elements out of the order
# its schema gives.
AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
    "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
    "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip


def update_fields_on_open(document) -> None:
    """Ask Word to update the fields (the table of contents) when it opens the file."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.insert_element_before(update, *AFTER_UPDATE_FIELDS)


def drop_thumbnail(document) -> None:
    """python-docx's blank template carries the picture of an empty page, which file
    browsers would show as this document's."""
    relationships = document.part.package.rels
    for key, relationship in list(relationships.items()):
        if relationship.reltype == RT.THUMBNAIL:
            relationships.pop(key)


def render_plan_docx(context: dict) -> bytes:
    """The plan report (rendering.report_context) as a .docx file's bytes."""
    return PlanDocument(context).write()
