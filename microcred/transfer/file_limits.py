"""How much a plan may bring into an import, and what its text may be: checked before
anything else reads a file (the schema's check takes 30 to 130 µs a value) and before an
import or a copy writes anything (each row is checked by its form, about a millisecond).

A file holds at most PLAN_IMPORT_MAX_ROWS table rows and PLAN_IMPORT_MAX_ANSWERS answers,
and a number of values (texts, numbers, lists and objects) that grows with the rows it
may hold. Its text must be what a person may type here (typed_text.validate_plain_text:
no NUL, which PostgreSQL cannot store, nor other control characters) and must be text at
all: half of a UTF-16 surrogate pair, which JSON can write as an escape, is refused before
any message could show it.
"""

from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError

from microcred.questionnaires.typed_text import validate_plain_text

from .problems import Problem, json_path

# Values a file may hold besides its rows' (answers, the template's questions, comments):
# the demo plan's file holds 1,780 in all, 981 of them in its 107 rows.
VALUES_BESIDE_ROWS = 20_000
VALUES_PER_ROW = 20  # a row's cells and links, with room to spare
# Links from rows to rows: a platform integrating with a few others, a forecast naming its
# price tier. Each costs a check and a row of its own (the demo plan has 37).
LINKS_PER_ROW = 2


def max_values() -> int:
    return VALUES_BESIDE_ROWS + VALUES_PER_ROW * settings.PLAN_IMPORT_MAX_ROWS


def max_links() -> int:
    return LINKS_PER_ROW * settings.PLAN_IMPORT_MAX_ROWS


Location = tuple[str | int, ...]


def _listed(document: object, name: str) -> list:
    """The document's list of that name, or [] (its schema says what else is wrong)."""
    value = document.get(name) if isinstance(document, dict) else None
    return value if isinstance(value, list) else []


def count_problems(
    document: object, *, subject: str = "The file", whole: str = "a plan file"
) -> list[Problem]:
    """More rows or answers than an import may place: "<subject> has 600 table rows:
    <whole> may have at most 500."."""
    rows = sum(
        len(record_set["rows"])
        for record_set in _listed(document, "record_sets")
        if isinstance(record_set, dict) and isinstance(record_set.get("rows"), list)
    )
    answers = len(_listed(document, "answers"))
    problems = []
    for count, what, most in (
        (rows, "table rows", settings.PLAN_IMPORT_MAX_ROWS),
        (answers, "answers", settings.PLAN_IMPORT_MAX_ANSWERS),
    ):
        if count > most:
            problems.append(
                Problem("", f"{subject} has {count:,} {what}: {whole} may have at most {most:,}.")
            )
    return problems


def _holds_more_values_than(document: object, most: int) -> bool:
    count = 0
    pending = [document]
    while pending:
        value = pending.pop()
        count += 1
        if count > most:
            return True
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def size_problems(document: object) -> list[Problem]:
    """More rows, answers or values than a plan file may hold."""
    problems = count_problems(document)
    most = max_values()
    if not problems and _holds_more_values_than(document, most):
        problems.append(
            Problem(
                "",
                f"The file holds more than {most:,} values (texts, numbers, lists and "
                "objects): a plan file holds far fewer.",
            )
        )
    return problems


def _texts(document: object) -> Iterator[tuple[Location, str]]:
    """Every text of the document, keys included (each where its value is), in order."""
    pending: list[tuple[Location, object]] = [((), document)]
    while pending:
        location, value = pending.pop()
        if isinstance(value, str):
            yield location, value
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                pending.extend((((*location, key), item), ((*location, key), key)))
        elif isinstance(value, list):
            items = reversed(list(enumerate(value)))
            pending.extend(((*location, index), item) for index, item in items)


def _half_pair(text: str) -> str:
    """The first half of a surrogate pair in the text ("" when there is none)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return text[error.start]
    return ""


def text_problems(document: object) -> tuple[list[Problem], list[Problem]]:
    """The texts that are not text (half a surrogate pair), which no message may show; and
    those the plain-text validator refuses. Each list in the order of the document."""
    not_text, refused = [], []
    for location, text in _texts(document):
        if half := _half_pair(text):
            not_text.append(
                Problem(
                    json_path(location),
                    f"holds U+{ord(half):04X}, half of a UTF-16 surrogate pair, which is not text",
                )
            )
            continue
        try:
            validate_plain_text(text, label="text")
        except ValidationError as error:
            refused.append(Problem(json_path(location), " ".join(error.messages)))
    return not_text, refused
