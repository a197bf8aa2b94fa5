"""What each endpoint of the API answers each persona: one table per area in this package
(every module's ENDPOINTS), gathered here, so that an endpoint of the OpenAPI schema with
no entry fails `test_every_endpoint_has_an_entry`.

An entry is keyed by the method and the schema's path ("GET /api/v1/plans/{id}/") and
says how to make its request on a fresh `plan` (see test_endpoint_matrix.people), and the
status each persona gets."""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = [
    "anonymous",  # no credentials: 401
    "stranger",  # a token of someone who is no member of the plan: 404
    "viewer",
    "editor",
    "reviewer",
    "owner",
    "read_only",  # the owner's read-only token: 403 for writes
]
READERS = ("viewer", "editor", "reviewer", "owner", "read_only")


@dataclass(frozen=True)
class Request:
    url: str
    body: Any = None
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    # (plan, people) -> the request to make; `people` maps each persona to its user.
    request: Callable[..., Request]
    expected: dict[str, int]


def readers(status: int, **others: int) -> dict[str, int]:
    """`status` for whoever may read the plan, 404 for a stranger, 401 without a token."""
    return {"anonymous": 401, "stranger": 404, **dict.fromkeys(READERS, status), **others}


def writers(status: int, **others: int) -> dict[str, int]:
    """`status` for the plan's editor and owner; 403 for those who only read it and for a
    read-only token."""
    table = readers(403, editor=status, owner=status)
    table.update(others)
    return table


def everyone(status: int, **others: int) -> dict[str, int]:
    """`status` for anyone with a token, as for a list or a new plan."""
    return {"anonymous": 401, **dict.fromkeys(PERSONAS[1:], status), **others}


def gather() -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for key, entry in module.ENDPOINTS.items():
            assert key not in entries, f"{key} has two entries"
            entries[key] = entry
    return entries
