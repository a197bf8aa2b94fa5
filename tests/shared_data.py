"""Data that takes far longer to make than a test takes to run, made once and shared
without any test seeing another's changes (the root conftest.py wires these in):

- `FreshDatabase`: the default template, loaded once per test database right after its
  migrations, and put back after a transactional test flushed it.
"""

import importlib

from django.apps import apps
from django.db import transaction

from microcred.questionnaires.defaults import DEFAULT_TEMPLATE_RELEASE
from microcred.questionnaires.models import Phase, Question, TemplateVersion
from microcred.questionnaires.services import load_default_template

# The data migrations that fill a new database; a transactional test's flush empties what
# they made, so it is made again the same way.
DATA_MIGRATIONS = (
    ("microcred.plans.migrations.0003_create_groups", "create_groups"),
    ("microcred.plans.migrations.0010_template_admin_permissions", "grant"),
)
# What makes pytest-django give a test the database.
DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def uses_db(item) -> bool:
    return bool(item.get_closest_marker("django_db") or DB_FIXTURES & set(item.fixturenames))


class FreshDatabase:
    """What every test starts on: the role groups (with the template admins' permissions)
    that the data migrations made, and the default template, loaded once per test database
    (loading it takes ten times as long as most tests).

    A test changes them in its own transaction, rolled back after it. A transactional test
    (browser, worker) commits, and the flush after it empties every table: before the next
    test, they are put back as they were before any test ran."""

    def __init__(self):
        self.blocker = None
        self.rows = None

    def load(self, blocker):
        self.blocker = blocker
        with blocker.unblock():
            version = load_default_template()
            self.rows = [
                (TemplateVersion, list(TemplateVersion.objects.filter(pk=version.pk).values())),
                (Phase, list(Phase.objects.filter(version=version).values())),
                (Question, list(Question.objects.filter(version=version).values())),
            ]

    def restore_if_flushed(self):
        if self.rows is None:
            return  # no test database yet: django_db_setup loads it
        with self.blocker.unblock():
            if TemplateVersion.objects.filter(default_release=DEFAULT_TEMPLATE_RELEASE).exists():
                return
            with transaction.atomic():
                for module, function in DATA_MIGRATIONS:
                    getattr(importlib.import_module(module), function)(apps, None)
                # A copy of the rows, ids included: what loading again would make, at a
                # tenth of the cost. Their ids are below the sequences', so nothing collides.
                for model, rows in self.rows:
                    model.objects.bulk_create(model(**row) for row in rows)
