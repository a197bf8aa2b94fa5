"""The default template must hold every question of the seed document.

The seed is parsed here on its own, without the YAML files, so that a question
dropped, reworded or moved to another phase in the YAML makes this test fail.
"""

from pathlib import Path

import pytest

from microcred.questionnaires.models import Phase, Question
from microcred.questionnaires.services import load_default_template
from tests.factories import PHASE_TITLES

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

SPELLING_FIXES = {
    "accomodations": "accommodations",
    "Is is the same": "Is it the same",
    "learn experience": "learner experience",
}

MODEL_QUESTION = "What is the model for microcredential program?"
MODEL_OPTIONS = ["ABC model", "Stackable", "Certificate", "Other"]

MARKET_NEED = "What's the market need?"
VALUE_PROPOSITION = "What is the value proposition?"
GAP = "What's the gap that microcredential will fill?"
CONSEQUENCES = "What are the consequences to your program if you add a microcredential?"
CANDIDATE_EXPERIENCE = "What is the candidate experience?"
LEARNING_JOURNEY = (
    "What is the learning journey to earn the microcredential? Self-taught? Provided?"
)
PRICING = "How will you determine how to price the program or microcredential?"


# A copy kept with the tests (see tests/data/README.md), so that they run on any clone.
SEED = Path(__file__).resolve().parent.parent / "data" / "seed"


def _seed_text():
    return (SEED / "phases-of-microcredential-development.txt").read_text(encoding="utf-8")


def _clean(text):
    text = " ".join(text.split())
    for wrong, right in SPELLING_FIXES.items():
        text = text.replace(wrong, right)
    return text


def seed_items_by_phase():
    """Each phase title mapped to its items in document order.

    In the seed an item starts on a line indented by a space (the lost bullet
    glyph) or on a line starting with "o "; any other non-blank line continues
    the item above it. Everything before the first phase title is the document
    title.
    """
    phases = {}
    items = None
    for raw in _seed_text().translate(QUOTES).splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.strip() in PHASE_TITLES:
            items = phases.setdefault(line.strip(), [])
        elif items is None:
            continue
        elif line.startswith(" ") or line.startswith("o "):
            items.append(line.removeprefix("o ").strip())
        else:
            items[-1] += " " + line.strip()
    return {title: [_clean(item) for item in found] for title, found in phases.items()}


def _phase_questions(version, title):
    """The phase's questions from the seed: its record-set questions (tables of rows
    under the seed questions they detail) are the application's own."""
    phase = Phase.objects.get(version=version, title=title)
    return list(
        Question.objects.filter(phase=phase)
        .exclude(kind="record_set")
        .select_related("parent")
        .order_by("order")
    )


def test_seed_parser_finds_all_six_phases():
    items = seed_items_by_phase()

    assert list(items) == PHASE_TITLES
    assert items["Strategic Planning"][0] == "What is the business case?"
    assert items["Maintenance"][0] == "What is required to maintain the program?"


@pytest.mark.django_db
def test_default_template_has_the_seed_phases_in_order():
    version = load_default_template()
    phases = Phase.objects.filter(version=version).order_by("order")

    titles = [phase.title for phase in phases]

    assert titles == PHASE_TITLES


@pytest.mark.django_db
@pytest.mark.parametrize("title", PHASE_TITLES)
def test_every_seed_item_is_a_question_of_its_phase_in_seed_order(title):
    version = load_default_template()
    expected = [item for item in seed_items_by_phase()[title] if item not in MODEL_OPTIONS]

    texts = [question.text for question in _phase_questions(version, title)]

    assert texts == expected


@pytest.mark.django_db
def test_model_options_are_choices_of_the_model_question_not_questions():
    version = load_default_template()
    design_items = seed_items_by_phase()["Design and Development"]
    position = design_items.index(MODEL_QUESTION)

    model = Question.objects.get(version=version, text=MODEL_QUESTION)

    assert design_items[position + 1 : position + 5] == MODEL_OPTIONS
    assert model.kind == "single_choice"
    assert model.choices == ["ABC model", "Stackable", "Certificate"]
    assert model.allow_other is True
    assert not Question.objects.filter(version=version, text__in=MODEL_OPTIONS).exists()


@pytest.mark.django_db
def test_third_level_questions_sit_under_their_second_level_parent():
    version = load_default_template()
    questions = {q.text: q for q in _phase_questions(version, "Strategic Planning")}

    gap = questions[GAP]
    experience = questions[CANDIDATE_EXPERIENCE]

    assert gap.parent.text == MARKET_NEED
    assert gap.parent.parent.text == VALUE_PROPOSITION
    assert gap.parent.parent.parent is None
    assert experience.parent.text == CONSEQUENCES
    assert experience.parent.parent.text == VALUE_PROPOSITION


@pytest.mark.django_db
def test_sub_questions_sit_under_their_top_level_question():
    version = load_default_template()
    planning = {q.text: q for q in _phase_questions(version, "Strategic Planning")}
    design = {q.text: q for q in _phase_questions(version, "Design and Development")}

    assert planning["To drive revenue, volume, or other?"].parent.text == (
        "What is the business case?"
    )
    assert [q.text for q in planning[PRICING].children.order_by("order")] == [
        "What is the cost to the individual or to organizations? Will there be member pricing"
        " and non-member pricing? Will there be early adopter pricing?",
        "What is the pricing model?",
        "Will licensing be part of the model? Will individual sales be part of the model?",
    ]
    assert design["How does someone earn the microcredential?"].parent is None
    assert design[LEARNING_JOURNEY].parent is None


@pytest.mark.django_db
@pytest.mark.parametrize("title", PHASE_TITLES)
def test_reflection_is_the_closing_consider_paragraph_and_last_of_its_phase(title):
    version = load_default_template()
    seed_items = seed_items_by_phase()[title]
    has_reflection = seed_items[-1].startswith("Consider how the answers")

    questions = _phase_questions(version, title)
    reflections = [q for q in questions if q.is_reflection]

    if has_reflection:
        assert [q.text for q in reflections] == [seed_items[-1]]
        assert questions[-1].is_reflection
        assert questions[-1].parent is None
    else:
        assert reflections == []


def test_each_spelling_fix_corrects_a_slip_that_is_in_the_seed():
    seed = " ".join(_seed_text().split())

    missing = [wrong for wrong in SPELLING_FIXES if wrong not in seed]

    assert missing == []


def test_only_strategic_planning_and_marketing_lack_a_reflection():
    items = seed_items_by_phase()

    lacking = [t for t in PHASE_TITLES if not items[t][-1].startswith("Consider how the answers")]

    assert lacking == ["Strategic Planning", "Marketing"]


@pytest.mark.usefixtures("without_default_template")
@pytest.mark.django_db
def test_loading_the_default_template_twice_keeps_one_copy_of_each_question():
    first = load_default_template()
    second = load_default_template()

    assert first.pk == second.pk
    assert Question.objects.filter(version=first, text=GAP).count() == 1
