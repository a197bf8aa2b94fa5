"""The record types that record-set questions may name.

The engine knows none of them itself: the record framework, which lists the phase apps'
record types, registers their names when Django starts (records.apps.RecordsConfig.ready),
so that the engine checks a question's record type without importing what uses it.
"""

KNOWN_RECORD_TYPES: dict[str, str] = {}


def register_record_types(labels: dict[str, str]) -> None:
    """Make record types known, by name ("planning.price_tiers") with their labels."""
    KNOWN_RECORD_TYPES.update(labels)


def record_type_choices() -> list[tuple[str, str]]:
    return [(name, f"{label} ({name})") for name, label in KNOWN_RECORD_TYPES.items()]
