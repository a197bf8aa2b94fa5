from tests.maintenance.calendar_helpers import add_cycle, today  # noqa: F401  (fixtures)
