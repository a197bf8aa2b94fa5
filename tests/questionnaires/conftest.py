"""Template versions for the tests of drafting, publishing, moving plans and the admin.

`version_two` is the version every move test uses: from the default version (numbered
as the current release of the default questions, DEFAULT_TEMPLATE_RELEASE), one question
reworded (same key), one removed and one added, then published as the next version."""

import pytest
from django.contrib.auth.models import Group

from microcred.plans import roles
from microcred.plans.answers import save_answer
from microcred.questionnaires.versions import create_draft, publish_version, renumber_questions
from tests.factories import UserFactory

REWORDED = "What is the business case, in one paragraph?"
ADDED = "What will the credential be called on the certificate?"
ANSWERS = {
    "business_case": "Employers ask for proof of data privacy skills.",
    "business_case_drivers": {"choices": ["Revenue"], "other": ""},
    "stakeholders_and_input": "Members, employers and regulators, through a survey.",
    "market_gap": "No vendor-neutral, assessed credential for practitioners.",
}


@pytest.fixture
def template_admin(db):
    user = UserFactory(username="templates", first_name="Tomas", last_name="Berg", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.TEMPLATE_ADMINS))
    return user


@pytest.fixture
def staff_member(db):
    """Staff, but not a template admin."""
    return UserFactory(username="staffer", is_staff=True)


@pytest.fixture
def answered_plan(plan, owner):
    questions = {q.key: q for q in plan.template_version.questions.all()}
    for key, value in ANSWERS.items():
        save_answer(
            plan=plan, question=questions[key], raw_value=value, base_revision=0, user=owner
        )
    return plan


def draft_with_changes(source):
    """A draft of `source`: business_case reworded, market_gap removed, credential_name
    added at the end of Strategic Planning."""
    draft = create_draft(source=source)
    draft.questions.filter(key="business_case").update(text=REWORDED)
    draft.questions.get(key="market_gap").delete()
    phase = draft.phases.get(slug="strategic-planning")
    phase.questions.create(
        version=draft,
        key="credential_name",
        order=1000,
        text=ADDED,
        kind="short_text",
        required=True,
    )
    renumber_questions(phase=phase)
    return draft


@pytest.fixture
def version_two(template_version):
    return publish_version(version=draft_with_changes(template_version))
