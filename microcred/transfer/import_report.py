"""What an import (or a copy) placed in the new plan, and what it could not place and why:
kept between requests in the session, shown once on the import report page."""

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.template.defaultfilters import pluralize

from microcred.plans.models import Plan

SHOWN_VALUE_CHARACTERS = 200


@dataclass
class NotPlaced:
    """Something of the file the new plan does not hold (or holds only in part), and why."""

    path: str  # where it is in the file
    what: str
    reason: str
    value: str = ""  # the value as the file has it, so that it can be typed in again


def _value_text(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > SHOWN_VALUE_CHARACTERS:
        return f"{text[: SHOWN_VALUE_CHARACTERS - 1]}…"
    return text


@dataclass
class ImportReport:
    plan_id: int
    title: str
    file_version: int  # the template version number the file's answers were given on
    version: int  # the new plan's template version number
    answers: int = 0  # answers placed
    rows: int = 0  # rows placed
    not_placed: list[NotPlaced] = field(default_factory=list)
    review_rounds_left_out: int = 0
    comments_left_out: int = 0
    status_in_file: str = ""

    def add_not_placed(self, path: str, what: str, reason: str, value: object = "") -> None:
        """Note what was not placed; `value`, as the file has it, is shown shortened."""
        shown = _value_text(value) if value else ""
        self.not_placed.append(NotPlaced(path=path, what=what, reason=reason, value=shown))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, to keep between requests (in the session)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        return cls(
            **{
                **data,
                "not_placed": [NotPlaced(**entry) for entry in data.get("not_placed", [])],
            }
        )

    @property
    def status_in_file_label(self) -> str:
        return dict(Plan.Status.choices).get(self.status_in_file, self.status_in_file).lower()

    @property
    def left_out_message(self) -> str:
        """What the new plan never takes from a file ("" when the file had none)."""
        parts = []
        if self.review_rounds_left_out:
            count = self.review_rounds_left_out
            parts.append(f"{count} review round{pluralize(count)}")
        if self.comments_left_out:
            count = self.comments_left_out
            parts.append(f"{count} comment{pluralize(count)}")
        if not parts:
            return ""
        return (
            f"The file's {' and '.join(parts)} are not recreated: the new plan starts as a "
            "draft without reviews or comments."
        )
