"""This phase's record types: the tables its record-set questions name (see plans/records.py)."""

RECORD_TYPES = []
