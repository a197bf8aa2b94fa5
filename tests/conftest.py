"""The same people in every test: an owner, an editor, a viewer, a reviewer, an outsider.

Every test starts on a database holding what migrations made (the role groups) and the
default template, loaded once per test database (see `FreshDatabase`)."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from microcred.plans import roles
from microcred.plans.models import PlanMembership
from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.services import load_default_template
from tests.factories import (
    PASSWORD,
    PlanFactory,
    UserFactory,
    add_member,
    record_set_question_in,
)
from tests.shared_data import FreshDatabase, uses_db

fresh_database = FreshDatabase()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    fresh_database.load(django_db_blocker)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before the test's fixtures, so outside its transaction: what is put back must stay.
    if uses_db(item):
        fresh_database.restore_if_flushed()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow by design; tests create several users each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached pages and readiness must not leak from one test into the next.
    cache.clear()


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
def owner(db):
    user = UserFactory(username="owner", first_name="Olivia", last_name="Owner")
    user.groups.add(Group.objects.get_or_create(name=roles.PROGRAM_MANAGERS)[0])
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
    user.groups.add(Group.objects.get_or_create(name=roles.COMMITTEE_REVIEWERS)[0])
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
