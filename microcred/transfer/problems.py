"""What is wrong with a plan file (or a plan to copy), located by its JSON path, and the
refusal that carries every problem: what the checks of a file and the import share."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """What is wrong with a file, and where: `path` is a JSON path such as answers[3].value."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ImportRefused(Exception):
    """The file is refused whole; nothing was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def json_path(parts: Iterable[str | int]) -> str:
    """A location in a document as a JSON path: answers[3].value ("$" for the whole)."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"
