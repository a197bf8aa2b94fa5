"""The parts of a Word file that python-docx has no words for, written as XML: a table's
repeated header row and its width, the table of contents field, updating fields on
opening, and no thumbnail."""

from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length
from docx.table import Table, _Row

from .text import xml_text

TOC_LEVELS = "1-2"  # phases and their top-level questions


def mark_header_row(row: _Row) -> None:
    """Word repeats a row marked so at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def set_table_width(table: Table, width: int) -> None:
    """The table's preferred width: its columns' (Word otherwise takes "auto")."""
    preferred = table._tbl.tblPr.find(qn("w:tblW"))
    if preferred is None:
        preferred = OxmlElement("w:tblW")
        table._tbl.tblPr.append(preferred)
    preferred.set(qn("w:w"), str(Length(width).twips))
    preferred.set(qn("w:type"), "dxa")


def field_char(kind: str, *, dirty: bool = False) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def add_toc_field(document: WordDocument, entries: list[str]) -> None:
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


def update_fields_on_open(document: WordDocument) -> None:
    """Ask Word to update the fields (the table of contents) when it opens the file."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.insert_element_before(update, *AFTER_UPDATE_FIELDS)


def drop_thumbnail(document: WordDocument) -> None:
    """python-docx's blank template carries the picture of an empty page, which file
    browsers would show as this document's."""
    relationships = document.part.package.rels
    for key, relationship in list(relationships.items()):
        if relationship.reltype == RT.THUMBNAIL:
            relationships.pop(key)
