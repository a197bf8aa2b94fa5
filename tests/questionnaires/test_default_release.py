"""The default questions come in releases (see questionnaires/defaults.py). Release 2
gives the questions that ask several things in one a yes / no with a required
explanation, and "Who will pay for the program?" long text; later releases keep them. A
new install starts on the newest release; an install on release 1 gets the newest release
published beside it, and its plans move when their owners choose."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from microcred.demo.services import load_demo_data
from microcred.plans.answers import save_answer
from microcred.plans.models import Answer
from microcred.plans.selectors import archived_answers
from microcred.plans.version_moves import move_plan_to_version, version_move
from microcred.questionnaires.defaults import DEFAULT_TEMPLATE_RELEASE, default_template_document
from microcred.questionnaires.models import Question, TemplateVersion
from microcred.questionnaires.services import create_template_version, load_default_template
from microcred.questionnaires.versions import create_draft, publish_version
from tests.factories import PlanFactory

# Loading releases is what these tests are about: each starts, as a new install does, with
# no template version (the default template is otherwise loaded once per test database).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_default_template")]

EXPLAINED = [
    "candidates_shifted_from_other_credentials",
    "certification_system_updates",
    "assessment_proctoring",
]
MIGRATION = "microcred.questionnaires.migrations.0001_squashed_0004_templates"
NEWEST = DEFAULT_TEMPLATE_RELEASE


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.get("children", []))


def question_count() -> int:
    """How many questions the newest release's files hold."""
    return sum(
        1 for phase in default_template_document()["phases"] for _ in _walk(phase["questions"])
    )


def release_one():
    """Version 1 as the first loader made it: published, number 1, no notes, the three
    multi-part questions a plain yes / no and the funding question one line."""
    document = {**default_template_document(), "number": 1}
    for phase in document["phases"]:
        for item in _walk(phase["questions"]):
            item.pop("explanation_required", None)
            if item["key"] == "program_funding":
                item["kind"] = "short_text"
    version = create_template_version(document=document, status="published")
    importlib.import_module(MIGRATION).mark_loaded_default(django_apps, None)
    version.refresh_from_db()
    return version


def test_a_new_install_gets_the_newest_release_published_once():
    first = load_default_template()
    second = load_default_template()
    assert first.pk == second.pk
    assert (first.number, first.status, first.default_release, first.notes) == (
        NEWEST,
        "published",
        NEWEST,
        f"Default questions, release {NEWEST}.",
    )
    assert TemplateVersion.objects.count() == 1
    assert (first.phases.count(), first.questions.count()) == (6, question_count())
    assert question_count() == 88


def test_the_newest_release_asks_for_an_explanation_where_a_yes_or_no_answers_only_part():
    version = load_default_template()
    explained = version.questions.filter(explanation_required=True).order_by(
        "phase__order", "order"
    )
    assert [(q.key, q.kind) for q in explained] == [(key, "yes_no") for key in EXPLAINED]
    assert version.questions.get(key="program_funding").kind == "long_text"


def test_the_migration_marks_only_the_version_the_first_loader_made(db):
    imported = TemplateVersion.objects.create(
        number=1, name="Phases of Microcredential Development", notes="Imported from YAML."
    )
    importlib.import_module(MIGRATION).mark_loaded_default(django_apps, None)
    imported.refresh_from_db()
    assert imported.default_release is None
    imported.notes = ""
    imported.save()
    importlib.import_module(MIGRATION).mark_loaded_default(django_apps, None)
    imported.refresh_from_db()
    assert imported.default_release == 1


def test_an_install_on_release_one_gets_the_newest_release_published_and_keeps_its_plans(
    owner,
):
    one = release_one()
    plan = PlanFactory(template_version=one, created_by=owner)
    out = io.StringIO()
    call_command("load_default_template", stdout=out)
    assert out.getvalue() == (
        f"Template version {NEWEST} (Published): 6 phases, {question_count()} questions, "
        f"default questions release {NEWEST}.\n"
    )
    assert list(TemplateVersion.objects.values_list("number", "status", "default_release")) == [
        (NEWEST, "published", NEWEST),
        (1, "retired", 1),
    ]
    plan.refresh_from_db()
    assert plan.template_version == one
    call_command("load_default_template", stdout=io.StringIO())
    assert TemplateVersion.objects.count() == 2


def test_a_number_taken_by_an_admins_draft_gives_the_newest_release_the_next_one():
    one = release_one()
    drafts = [create_draft(source=one) for _ in range(NEWEST - 1)]
    newest = load_default_template()
    assert ([d.number for d in drafts], newest.number, newest.status) == (
        list(range(2, NEWEST + 1)),
        NEWEST + 1,
        "published",
    )
    assert list(TemplateVersion.objects.values_list("number", "status")) == [
        (NEWEST + 1, "published"),
        *((number, "draft") for number in range(NEWEST, 1, -1)),
        (1, "retired"),
    ]


def test_over_a_version_template_admins_published_the_newest_release_comes_as_a_draft():
    one = release_one()
    theirs = publish_version(version=create_draft(source=one))
    out = io.StringIO()
    call_command("load_default_template", stdout=out)
    newest = TemplateVersion.objects.get(default_release=NEWEST)
    assert (newest.number, newest.status) == (NEWEST, "draft")
    theirs.refresh_from_db()
    assert theirs.status == "published"
    assert out.getvalue() == (
        f"Template version {NEWEST} (Draft): 6 phases, {question_count()} questions, default "
        f"questions release {NEWEST}.\n"
        f"Default questions, release {NEWEST}, loaded as a draft because version 2 was "
        "published here: publish this draft to start new plans on the default questions.\n"
    )
    publish_version(version=newest)


def test_moving_to_the_newest_release_carries_explained_answers_and_archives_a_bare_yes_or_no(
    owner,
):
    one = release_one()
    plan = PlanFactory(template_version=one, created_by=owner)
    questions = {q.key: q for q in one.questions.all()}
    answers = {
        "candidates_shifted_from_other_credentials": {
            "choice": "yes",
            "explanation": "About 30 NGP candidates a year; we want them to go on to the NGP.",
        },
        "certification_system_updates": {"choice": "no", "explanation": ""},
        "program_funding": "The operating budget, with a foundation grant.",
    }
    for key, value in answers.items():
        save_answer(
            plan=plan, question=questions[key], raw_value=value, base_revision=0, user=owner
        )
    newest = load_default_template()

    move = version_move(plan=plan, target=newest)
    assert [(c.question.key, c.value) for c in move.carried_answers] == [
        (
            "candidates_shifted_from_other_credentials",
            answers["candidates_shifted_from_other_credentials"],
        ),
        ("program_funding", answers["program_funding"]),
    ]
    assert [(a.answer.question.key, a.reason) for a in move.archived] == [
        (
            "certification_system_updates",
            f"The answer does not fit the question in version {NEWEST}: This question asks "
            "more than yes or no: add the explanation.",
        )
    ]
    move_plan_to_version(plan=plan, version=newest, user=owner)
    moved = {
        a.question.key: (a.question.version.number, a.question.kind, a.value)
        for a in Answer.objects.filter(plan=plan).select_related("question__version")
    }
    assert moved == {
        "candidates_shifted_from_other_credentials": (
            NEWEST,
            "yes_no",
            answers["candidates_shifted_from_other_credentials"],
        ),
        "certification_system_updates": (1, "yes_no", {"choice": "no", "explanation": ""}),
        "program_funding": (NEWEST, "long_text", answers["program_funding"]),
    }
    assert [i.question.key for i in archived_answers(plan)] == ["certification_system_updates"]


def test_the_demo_plan_is_on_the_newest_release_with_every_answer_fitting_it():
    load_default_template()
    plan = load_demo_data()
    assert plan.template_version.default_release == NEWEST
    answers = {a.question.key: a for a in plan.answers.select_related("question")}
    for key in EXPLAINED:
        assert answers[key].value["explanation"], key
    funding = answers["program_funding"]
    assert funding.question.kind == "long_text"
    assert funding.value.startswith(
        "Development is paid from the Institute's 2027 operating budget, with a $40,000 "
        "product development grant from the Northbridge Foundation"
    )
    assert len(funding.value) > 300
    assert not Question.objects.exclude(version=plan.template_version).exists()
