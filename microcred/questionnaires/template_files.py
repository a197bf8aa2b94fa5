"""Template files: the YAML a new draft is imported from, read within limits.

A template file comes from outside (an upload, a file on the command line), so it is read
within limits that keep a small file from growing large or deep in memory, and a large
version from being imported that the admin could not open: see `parse_template_yaml`.
What the document it holds must say is checked by documents.document_problems.
"""

import yaml
from yaml.error import Mark
from yaml.nodes import Node, ScalarNode

from .rules import Problem

# The limits of a template file. The default template is 18 kB: 6 phases, 69 questions
# (24 in its largest phase), 800 values, nested 9 deep. The limits leave room to grow
# while keeping each admin page usable: a phase's page lists its questions, each with a
# menu of all the phase's questions, so it grows with the square of their number (800 kB
# at 100 questions).
MAX_FILE_BYTES = 1024 * 1024
MAX_FILE_MB = MAX_FILE_BYTES / 1024 / 1024
MAX_DEPTH = 20  # lists and mappings inside each other: questions nested 8 levels deep
MAX_VALUES = 50_000  # every text, number, list and mapping
MAX_NUMBER_LENGTH = 30
MAX_PHASES = 30
MAX_QUESTIONS = 2_000  # per version, sub-questions included
MAX_PHASE_QUESTIONS = 100
ANCHORS_REFUSED = (
    "anchors and aliases (&name, *name) are not allowed in template files: write each "
    "value out in full."
)


class _Refused(Exception):
    """Something a template file may not hold, and where it is."""

    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _TemplateLoader(yaml.SafeLoader):
    """A SafeLoader that checks each node as the parser meets it, before anything is
    built from it: an anchor or an alias is refused (a few hundred bytes of aliases
    expand to gigabytes, and one that refers to itself never ends), and so is nesting
    past MAX_DEPTH (composing recurses once per level) or a file of more than
    MAX_VALUES values."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.values = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in PyYAML's stubs
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise _Refused(event.start_mark, ANCHORS_REFUSED)
        self.values += 1
        if self.values > MAX_VALUES:
            raise _Refused(
                event.start_mark,
                f"the file holds more than {MAX_VALUES:,} values; a template file holds far fewer.",
            )
        if isinstance(event, yaml.ScalarEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"lists and mappings are nested more than {MAX_DEPTH} deep here; a template "
                "file needs far fewer levels.",
            )
        node = super().compose_node(parent, index)
        self.depth -= 1
        return node

    def construct_yaml_int(self, node: ScalarNode) -> int:
        # Reading "1:0:0:..." (a number in base 60) takes time growing with the square of
        # its length: minutes for one long line.
        if len(node.value) > MAX_NUMBER_LENGTH:
            raise _Refused(
                node.start_mark,
                f"a number can have at most {MAX_NUMBER_LENGTH} characters; put quotes "
                "around it if it is text.",
            )
        return super().construct_yaml_int(node)


_TemplateLoader.add_constructor("tag:yaml.org,2002:int", _TemplateLoader.construct_yaml_int)


def _place(line: int, column: int) -> str:
    """Where a problem is, counting from 1 as editors do."""
    return f"Line {line + 1}, column {column + 1}"


def _undecodable(data: bytes, error: UnicodeDecodeError) -> Problem:
    line_start = data.rfind(b"\n", 0, error.start) + 1
    column = len(data[line_start : error.start].decode("utf-8", errors="replace"))
    where = _place(data.count(b"\n", 0, error.start), column)
    return Problem(
        f"{where}: the file is not UTF-8 text: save it as UTF-8, or choose the .yaml file "
        "of a template."
    )


def _unreadable(text: str, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        position = error.position
        line_start = text.rfind("\n", 0, position) + 1
        where = _place(text.count("\n", 0, position), position - line_start)
        return Problem(
            f"{where}: the file cannot be read as YAML: the character #x{error.character:04x} "
            "is not allowed."
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or "it is not YAML"
    context = getattr(error, "context", None)
    if "'\\t'" in problem:
        reason = "a tab cannot indent or start a value: indent with spaces"
    elif context and problem.startswith(("but ", "second ")):
        # The problem is the second half of a sentence ("expected a single document in
        # the stream, but found another document").
        reason = f"{context}, {problem}"
    else:
        reason = problem
    if mark is None:
        return Problem(f"The file cannot be read as YAML: {reason}.")
    return Problem(f"{_place(mark.line, mark.column)}: the file cannot be read as YAML: {reason}.")


def _count_questions(questions: object) -> int:
    """How many questions a phase's list holds, sub-questions included, whatever their
    shape (the checker reports the shape)."""
    count = 0
    pending = [questions]
    while pending:
        items = pending.pop()
        if not isinstance(items, list):
            continue
        count += len(items)
        pending.extend(item.get("children") for item in items if isinstance(item, dict))
    return count


def _size_problems(document: object) -> list[Problem]:
    """More phases or questions than a version may have."""
    phases = document.get("phases") if isinstance(document, dict) else None
    if not isinstance(phases, list):
        return []
    if len(phases) > MAX_PHASES:
        return [
            Problem(
                f"A template version can have at most {MAX_PHASES} phases; this file has "
                f"{len(phases):,}.",
                field="phases",
            )
        ]
    problems = []
    total = 0
    for position, phase in enumerate(phases, start=1):
        if not isinstance(phase, dict):
            continue
        count = _count_questions(phase.get("questions"))
        total += count
        if count > MAX_PHASE_QUESTIONS:
            slug = phase.get("slug") if isinstance(phase.get("slug"), str) else ""
            problems.append(
                Problem(
                    f"A phase can have at most {MAX_PHASE_QUESTIONS} questions, sub-questions "
                    f"included; this one has {count:,}.",
                    phase=slug or f"#{position}",
                    field="questions",
                )
            )
    if total > MAX_QUESTIONS:
        problems.insert(
            0,
            Problem(
                f"A template version can have at most {MAX_QUESTIONS:,} questions, "
                f"sub-questions included; this file has {total:,}."
            ),
        )
    return problems


def parse_template_yaml(data: bytes | str) -> tuple[object, list[Problem]]:
    """The document a template file holds, or the problems that stop it being read: too
    large, not UTF-8, not YAML, anchors or aliases, too deep, too many values, phases or
    questions. Every way a template file comes in (the admin's upload, the
    import_template command) reads it here; a problem says where it is when it can."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Problem(
                f"The file is over {MAX_FILE_MB:g} MB: a template file can be at most "
                f"{MAX_FILE_MB:g} MB ({MAX_FILE_BYTES:,} bytes)."
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [_undecodable(data, error)]
    try:
        loader = _TemplateLoader(text)
        try:
            document = loader.get_single_data()
        finally:
            loader.dispose()
    except _Refused as refused:
        where = _place(refused.mark.line, refused.mark.column)
        return None, [Problem(f"{where}: {refused.message}")]
    except yaml.YAMLError as error:
        return None, [_unreadable(text, error)]
    except Exception as error:
        # Whatever else the parser raises on a hostile file (RecursionError, MemoryError,
        # ValueError...) means the same to whoever sent it: it cannot be read.
        return None, [Problem(f"The file cannot be read as YAML ({type(error).__name__}).")]
    return document, _size_problems(document)
