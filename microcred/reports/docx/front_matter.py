"""What comes before the phases: the file's properties, the cover and the contents."""

from typing import Any

from .text import NO_DATA, day_text, person_name, utc_naive, xml_text
from .word_fields import add_toc_field
from .writer import WordWriter

APPENDIX_TITLE = "Appendix: review rounds and open comments"


def has_appendix(context: dict[str, Any]) -> bool:
    return bool(context["show_appendix"] and (context["rounds"] or context["open_threads"]))


def write_properties(writer: WordWriter, context: dict[str, Any]) -> None:
    plan = context["plan"]
    properties = writer.document.core_properties
    properties.title = xml_text(f"{plan.title}: microcredential plan")
    properties.subject = xml_text(f"Plan for the {plan.title} microcredential, {plan.organization}")
    properties.author = xml_text(context["author_names"] or plan.organization.name)
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


def cover_facts(context: dict[str, Any]) -> list[list[str]]:
    """The cover's table: the plan's status, decision, template, date, authors, progress."""
    plan, version, decision = context["plan"], context["version"], context["decision"]
    facts = [("Status", plan.get_status_display())]
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
        ("Written by", ", ".join(person_name(author) for author in context["authors"]) or NO_DATA),
        ("Progress", f"{context['answered']} of {context['total']} questions answered"),
    ]
    if context["options_text"]:
        facts.append(("Included", context["options_text"]))
    return [list(fact) for fact in facts]


def write_cover(writer: WordWriter, context: dict[str, Any]) -> None:
    plan = context["plan"]
    writer.paragraph("Microcredential plan", style="Subtitle")
    writer.paragraph(plan.title, style="Title")
    writer.paragraph(plan.organization.name, bold=True)
    if plan.summary:
        writer.paragraphs(plan.summary, style=None)
    writer.table([], cover_facts(context))


def write_contents(writer: WordWriter, context: dict[str, Any]) -> None:
    writer.heading("Contents", "TOC Heading", new_page=True)
    writer.paragraph(
        "Word fills in this table of contents, with page numbers, when it updates the "
        "document's fields: answer Yes when it asks on opening, or right-click the "
        "contents and choose Update Field.",
        italic=True,
    )
    entries = [f"{section.number}. {section.phase.title}" for section in context["sections"]]
    if context["archived_answers"]:
        entries.append("Archived answers")
    if has_appendix(context):
        entries.append(APPENDIX_TITLE)
    add_toc_field(writer.document, entries)
