"""The same people in every test: an owner, an editor, a viewer, a reviewer, an outsider.

Every test starts on a database holding what migrations made (the role groups) and the
default template, loaded once per test database; consecutive tests that use the demo plan
share one load of it, each in a savepoint (see tests/shared_data.py)."""

import itertools
import os

import pytest

from microcred.demo.services import load_demo_data
from microcred.organizations.models import OrganizationMembership
from microcred.plans.models import Plan, PlanMembership
from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.services import load_default_template
from tests.factories import (
    PASSWORD,
    PlanFactory,
    UserFactory,
    add_member,
    add_to_organization,
    record_set_question_in,
)
from tests.shared_data import (
    FAST_PASSWORD_HASHERS,
    FreshDatabase,
    SharedDemo,
    clear_cache,
    isolate_worker,
)

fresh_database = FreshDatabase()
shared_demo = SharedDemo(fresh_database)


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        isolate_worker(worker)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # After pytest-django's ordering (database tests, then transactional ones): within each
    # file's run of tests, those sharing the demo plan first, so that it is loaded once.
    items[:] = [
        item
        for _, run in itertools.groupby(items, key=lambda item: item.path)
        for item in sorted(run, key=lambda item: not SharedDemo.wanted_by(item))
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    fresh_database.load(django_db_blocker)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before the test's fixtures, so outside its transaction: what is put back must stay.
    shared_demo.before(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After the test's fixtures, so after its transaction was rolled back.
        shared_demo.after(nextitem)


@pytest.fixture(scope="session")
def shared_demo_session(django_db_setup):
    yield
    # Before the test database goes (this fixture is set up after it, so torn down before).
    shared_demo.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached pages and readiness must not leak from one test into the next.
    clear_cache()


@pytest.fixture
def template_version(db):
    # Already loaded (FreshDatabase): this only looks it up.
    return load_default_template()


@pytest.fixture
def without_default_template(db):
    """A database as a new install has it, before the default template is loaded: the
    preloaded one is deleted in the test's transaction (and back for the next test)."""
    TemplateVersion.objects.all().delete()


@pytest.fixture
def demo_plan(template_version, shared_demo_session):
    """The demo plan that `make run` loads: most questions answered, rows in every table.
    Loaded once for consecutive tests that use it (SharedDemo), else here."""
    if shared_demo.plan_pk is not None:
        return Plan.objects.get(pk=shared_demo.plan_pk)
    return load_demo_data()


@pytest.fixture
def owner(db):
    user = UserFactory(username="owner", first_name="Olivia", last_name="Owner")
    add_to_organization(user, OrganizationMembership.Role.PROGRAM_MANAGER)
    return user


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", first_name="Eddie", last_name="Editor")


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", first_name="Vera", last_name="Viewer")


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="reviewer", first_name="Rosa", last_name="Reviewer")
    add_to_organization(user, OrganizationMembership.Role.COMMITTEE_MEMBER)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", first_name="Otto", last_name="Outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def plan(template_version, owner, editor, viewer, reviewer):
    plan = PlanFactory(
        title="Data Privacy Fundamentals", template_version=template_version, created_by=owner
    )
    add_member(plan, editor, PlanMembership.Role.EDITOR)
    add_member(plan, viewer, PlanMembership.Role.VIEWER)
    add_member(plan, reviewer, PlanMembership.Role.REVIEWER)
    return plan


@pytest.fixture
def question(template_version):
    """A long-text, required, top-level question: the business case."""
    return template_version.questions.get(key="business_case")


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def record_set_question(template_version):
    """`make(record_type)`: the template version's record-set question for a record type,
    added at the end of its phase app's phase when the version has none."""

    def make(record_type: str):
        return record_set_question_in(template_version, record_type)

    return make
