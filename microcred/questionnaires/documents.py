"""Template documents: a whole template version as plain data, and as YAML.

The shape is that of `defaults.default_template_document()`:

    number: 2                    # which version it was exported from (import picks its own)
    name: Phases of Microcredential Development
    phases:
      - slug: strategic-planning
        title: Strategic Planning
        intro: Strategic planning decides ...
        questions:
          - key: business_case   # stable: answers follow it from one version to the next
            text: What is the business case?
            help_text: ...       # optional
            kind: long_text      # optional, long_text by default
            choices: [A, B]      # single and multiple choice questions only
            allow_other: true    # optional: offer "Other (please specify)"
            required: true       # optional, false by default
            explanation_required: true  # optional, yes_no only: the explanation is needed
            reflection: true     # optional: the phase's closing reflection question
            record_type: planning.price_tiers  # record_set questions only: their table
            show_if: {question: credential_model, in: [Stackable]}  # optional: shown only
                                 # when that earlier choice or yes / no question has one
                                 # of these answers ("yes", "no" for yes / no questions)
            children: [...]      # sub-questions, with the same fields

A version's status is not part of its document: an imported version is a draft.

A template file comes from outside (an upload, a file on the command line), so it is read
within limits that keep a small file from growing large or deep in memory, and a large
version from being imported that the admin could not open: see `parse_template_yaml`.
"""

import re

import yaml

from .models import Question, TemplateVersion
from .rules import Problem, QuestionRow, condition_answers, version_problems

DOCUMENT_FIELDS = ("number", "name", "phases")
PHASE_FIELDS = ("slug", "title", "intro", "questions")
QUESTION_FIELDS = (
    "key",
    "text",
    "help_text",
    "kind",
    "choices",
    "allow_other",
    "required",
    "explanation_required",
    "reflection",
    "record_type",
    "show_if",
    "children",
)
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
KEY_MAX = Question._meta.get_field("key").max_length
SLUG_MAX = 60
TITLE_MAX = 120
NAME_MAX = TemplateVersion._meta.get_field("name").max_length

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


def _question_entry(question: Question) -> dict:
    entry = {"key": question.key, "text": question.text}
    if question.help_text:
        entry["help_text"] = question.help_text
    entry["kind"] = question.kind
    if question.choices:
        entry["choices"] = list(question.choices)
    if question.allow_other:
        entry["allow_other"] = True
    entry["required"] = question.required
    if question.explanation_required:
        entry["explanation_required"] = True
    if question.is_reflection:
        entry["reflection"] = True
    if question.record_type:
        entry["record_type"] = question.record_type
    return entry


def document_of(version: TemplateVersion) -> dict:
    """The version as a template document, in two queries."""
    phases = {
        phase.pk: {"slug": phase.slug, "title": phase.title, "intro": phase.intro, "questions": []}
        for phase in version.phases.order_by("order")
    }
    entries = {}
    questions = list(Question.objects.filter(version=version).order_by("phase__order", "order"))
    keys = {question.pk: question.key for question in questions}
    for question in questions:
        entry = entries[question.pk] = _question_entry(question)
        if question.show_if_question_id in keys:
            entry["show_if"] = {
                "question": keys[question.show_if_question_id],
                "in": list(question.show_if_values),
            }
        parent = entries.get(question.parent_id)
        if parent is None:
            phases[question.phase_id]["questions"].append(entry)
        else:
            parent.setdefault("children", []).append(entry)
    return {"number": version.number, "name": version.name, "phases": list(phases.values())}


def template_yaml(version: TemplateVersion) -> str:
    return yaml.safe_dump(
        document_of(version), sort_keys=False, allow_unicode=True, width=100, indent=2
    )


class _Refused(Exception):
    """Something a template file may not hold, and where it is."""

    def __init__(self, mark, message):
        super().__init__(message)
        self.mark = mark
        self.message = message


class _TemplateLoader(yaml.SafeLoader):
    """A SafeLoader that checks each node as the parser meets it, before anything is
    built from it: an anchor or an alias is refused (a few hundred bytes of aliases
    expand to gigabytes, and one that refers to itself never ends), and so is nesting
    past MAX_DEPTH (composing recurses once per level) or a file of more than
    MAX_VALUES values."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0
        self.values = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
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

    def construct_yaml_int(self, node):
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


def _count_questions(questions) -> int:
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


def _size_problems(document) -> list[Problem]:
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


class _Checker:
    """Walks a document, collecting every problem of its shape (missing or mistyped
    fields) and the questions as rows for the rules."""

    def __init__(self):
        self.problems = []
        self.rows = []

    def add(self, message, **where):
        self.problems.append(Problem(message, **where))

    def unknown_fields(self, mapping, known, **where):
        for name in mapping:
            if name not in known:
                self.add(
                    f"“{name}” is not a field here; the fields are: {', '.join(known)}.",
                    **where,
                )

    def text(self, mapping, name, *, required, max_length=None, **where):
        value = mapping.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add("This is required.", field=name, **where)
            return ""
        if not isinstance(value, str):
            self.add("This must be text.", field=name, **where)
            return ""
        if max_length and len(value) > max_length:
            self.add(f"Keep this under {max_length} characters.", field=name, **where)
        return value

    def flag(self, mapping, name, **where):
        value = mapping.get(name, False)
        if not isinstance(value, bool):
            self.add("This must be true or false.", field=name, **where)
            return False
        return value

    def identifier(self, mapping, name, *, max_length, example, **where):
        value = self.text(mapping, name, required=True, **where)
        if value and (not SLUG.match(value) or len(value) > max_length):
            self.add(
                f"Use only letters, digits, hyphens and underscores, at most {max_length} "
                f"characters, such as {example}.",
                field=name,
                **where,
            )
        return value

    def document(self, document):
        if not isinstance(document, dict):
            self.add("The file must hold a template: a name and a list of phases.")
            return
        self.unknown_fields(document, DOCUMENT_FIELDS)
        self.text(document, "name", required=True, max_length=NAME_MAX)
        number = document.get("number")
        if number is not None and (type(number) is not int or number < 1):
            self.add("The number must be a whole number, 1 or more.", field="number")
        phases = document.get("phases")
        if not isinstance(phases, list) or not phases:
            self.add("A template needs a list of phases.", field="phases")
            return
        slugs = set()
        for position, phase in enumerate(phases, start=1):
            self.phase(phase, position, slugs)

    def phase(self, phase, position, slugs):
        if not isinstance(phase, dict):
            self.add("Each phase must have a slug, a title and questions.", phase=f"#{position}")
            return
        slug = phase.get("slug") if isinstance(phase.get("slug"), str) else ""
        where = {"phase": slug or f"#{position}"}
        self.unknown_fields(phase, PHASE_FIELDS, **where)
        self.identifier(phase, "slug", max_length=SLUG_MAX, example="strategic-planning", **where)
        if slug and slug in slugs:
            self.add(
                "Another phase has this slug: each phase needs its own.", field="slug", **where
            )
        slugs.add(slug)
        self.text(phase, "title", required=True, max_length=TITLE_MAX, **where)
        self.text(phase, "intro", required=False, **where)
        questions = phase.get("questions")
        if not isinstance(questions, list) or not questions:
            self.add("A phase needs a list of questions.", field="questions", **where)
            return
        counter = [0]
        for question in questions:
            self.question(question, phase=where["phase"], parent=None, counter=counter)

    def question(self, question, *, phase, parent, counter):
        counter[0] += 1
        if not isinstance(question, dict):
            self.add(
                "Each question must have at least a key and a text.",
                phase=phase,
                question=f"#{counter[0]}",
            )
            return
        key = question.get("key") if isinstance(question.get("key"), str) else ""
        where = {"phase": phase, "question": key or f"#{counter[0]}"}
        self.unknown_fields(question, QUESTION_FIELDS, **where)
        self.identifier(question, "key", max_length=KEY_MAX, example="business_case", **where)
        self.text(question, "text", required=True, **where)
        self.text(question, "help_text", required=False, **where)
        kind = question.get("kind", Question.Kind.LONG_TEXT)
        if not isinstance(kind, str):
            self.add("This must be text.", field="kind", **where)
            kind = Question.Kind.LONG_TEXT
        choices = question.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) and c for c in choices):
            self.add(
                "List the choices as text, such as [Yes, No]; quote any that look like "
                "numbers or dates.",
                field="choices",
                **where,
            )
            choices = []
        self.flag(question, "required", **where)
        record_type = question.get("record_type", "")
        if not isinstance(record_type, str):
            self.add("Name the record type as text, such as planning.price_tiers.", **where)
            record_type = ""
        show_if, show_if_values = self.condition(question.get("show_if"), **where)
        row = QuestionRow(
            phase=phase,
            key=where["question"],
            text=question.get("text") or "",
            kind=kind,
            choices=choices,
            allow_other=self.flag(question, "allow_other", **where),
            parent=parent,
            is_reflection=self.flag(question, "reflection", **where),
            explanation_required=self.flag(question, "explanation_required", **where),
            record_type=record_type,
            show_if=show_if,
            show_if_values=show_if_values,
        )
        self.rows.append(row)
        children = question.get("children", [])
        if not isinstance(children, list):
            self.add("List the sub-questions under children.", field="children", **where)
            return
        for child in children:
            self.question(child, phase=phase, parent=row.key, counter=counter)

    def condition(self, condition, **where) -> tuple[str | None, list[str]]:
        """The key and answers of a `show_if: {question: key, in: [answers]}`."""
        if condition is None:
            return None, []
        values = condition.get("in") if isinstance(condition, dict) else None
        if isinstance(values, list):
            values = condition_answers(values)
        if (
            not isinstance(condition, dict)
            or set(condition) != {"question", "in"}
            or not isinstance(condition["question"], str)
            or not isinstance(values, list)
            or not all(isinstance(value, str) for value in values)
        ):
            self.add(
                "Write the condition as {question: <an earlier question's key>, in: [<its "
                "answers that show this question>]}.",
                field="show_if",
                **where,
            )
            return None, []
        return condition["question"], values


def document_problems(document) -> list[Problem]:
    """Every problem of a template document, each with where it is: the shape of the
    document first, then the rules every version follows (see rules.py)."""
    checker = _Checker()
    checker.document(document)
    return checker.problems + version_problems(checker.rows)
