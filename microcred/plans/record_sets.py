"""The registry of record types: every table a record-set question can name, from the six
phase apps, listed by plain imports so that what exists is read here, not discovered."""

import delivery.records
import design.records
import maintenance.records
import marketing.records
import operations.records
import planning.records

from .records import RecordType

REGISTRY: dict[str, RecordType] = {
    record_type.name: record_type
    for module in (
        planning.records,
        marketing.records,
        operations.records,
        design.records,
        delivery.records,
        maintenance.records,
    )
    for record_type in module.RECORD_TYPES
}


def record_type_named(name: str) -> RecordType | None:
    return REGISTRY.get(name)


def record_type_choices() -> list[tuple[str, str]]:
    """(name, "Phase: label") for every record type, in phase order, for the admin."""
    return [(name, f"{record_type.label} ({name})") for name, record_type in REGISTRY.items()]
