"""Data that takes far longer to make than a test takes to run, made once and shared
without any test seeing another's changes, and what keeps parallel test processes
(pytest-xdist) apart (the root conftest.py wires these in):

- `FreshDatabase`: the default template, loaded once per test database right after its
  migrations, and put back after a transactional test flushed it.
- `SharedDemo`: the demo plan, loaded once for a run of consecutive tests that use it.
- `isolate_worker`: a Celery queue and cache keys of each test process's own.
"""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings
from pytest_django.fixtures import validate_django_db

from microcred import celery_app
from microcred.demo.services import load_demo_data
from microcred.questionnaires.defaults import DEFAULT_TEMPLATE_RELEASE
from microcred.questionnaires.models import Phase, Question, TemplateVersion
from microcred.questionnaires.services import load_default_template

# The real hasher is slow by design; tests create several users each.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The data migrations that fill a new database; a transactional test's flush empties what
# they made, so it is made again the same way.
DATA_MIGRATIONS = (
    ("microcred.plans.migrations.0003_create_groups", "create_groups"),
    ("microcred.plans.migrations.0010_template_admin_permissions", "grant"),
    ("microcred.plans.migrations.0019_remove_site_wide_role_groups", "remove_groups"),
)
# What makes pytest-django give a test the database, and a transactional one.
DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def uses_db(item) -> bool:
    return bool(item.get_closest_marker("django_db") or DB_FIXTURES & set(item.fixturenames))


def is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker:
        transaction_, reset_sequences, *_ = validate_django_db(marker)
        if transaction_ or reset_sequences:
            return True
    return bool(TRANSACTIONAL_FIXTURES & set(item.fixturenames))


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


class SharedDemo:
    """The demo plan (`load_demo_data()`: seconds, over 2,000 queries) loaded once for a
    run of consecutive tests that use it, in a transaction held open around them. Each of
    those tests runs in a savepoint of it (Django's TestCase nests its atomic block), rolled
    back after the test as its own transaction would be; the demo data goes with the
    transaction's rollback before any test that does not use it. Transactional tests load
    their own: their changes must be committed for other threads to see."""

    def __init__(self, database: FreshDatabase):
        self.database = database
        self.atomic = None
        self.plan_pk = None

    @staticmethod
    def wanted_by(item) -> bool:
        return "demo_plan" in getattr(item, "fixturenames", ()) and not is_transactional(item)

    def open(self):
        if self.database.rows is None:
            return  # no test database yet: this test loads its own
        with self.database.blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            # The hasher tests use (fast_password_hashing), as when loaded in a test.
            with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
                self.plan_pk = load_demo_data().pk

    def close(self):
        if self.atomic is None:
            return
        with self.database.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.plan_pk = None

    def before(self, item):
        if self.atomic is not None and not self.wanted_by(item):
            self.close()
        if uses_db(item):
            self.database.restore_if_flushed()
        if self.atomic is None and self.wanted_by(item):
            self.open()

    def after(self, nextitem):
        if nextitem is None or not self.wanted_by(nextitem):
            self.close()


def isolate_worker(worker: str):
    """Run in each xdist worker (`worker` is gw0, gw1, ...) before any test. Each has a
    test database of its own (pytest-django adds the suffix); the broker and a shared cache
    are one for all, so:

    - the Celery workers that its tests start take only the tasks its tests send: a queue
      of its own (`celery_app.control.purge()` in worker fixtures empties that queue);
    - a shared cache (CACHE_URL=redis://...; the default is one per process) gets keys of
      its own, and `clear_cache()` deletes only those."""
    celery_app.conf.task_default_queue = f"tests-{worker}"
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return
    if not backend.endswith("RedisCache"):
        raise pytest.UsageError(f"Tests in parallel processes cannot share a {backend} cache.")
    settings.CACHES["default"]["KEY_PREFIX"] = f"tests-{worker}"


def clear_cache():
    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if not prefix:
        cache.clear()
        return
    # clear() would empty the Redis database, other test processes' keys with it.
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
