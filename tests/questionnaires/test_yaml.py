"""Template versions exported to YAML and imported back: `export_template` and
`import_template`, and the checks an imported file goes through."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from microcred.questionnaires import template_files
from microcred.questionnaires.defaults import default_template_document
from microcred.questionnaires.documents import document_of, document_problems
from microcred.questionnaires.models import Phase, Question, TemplateVersion
from microcred.questionnaires.rules import Problem
from microcred.questionnaires.template_files import parse_template_yaml
from tests.data.hostile_templates import HOSTILE_FILES, template

pytestmark = pytest.mark.django_db


def export(number) -> str:
    out = io.StringIO()
    call_command("export_template", str(number), stdout=out)
    return out.getvalue()


def import_file(tmp_path, text, *args) -> str:
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_template", str(path), *args, stdout=out)
    return out.getvalue()


def question_rows(version):
    """Everything a version says about its questions, in reading order."""
    return [
        (
            q.phase.order,
            q.phase.slug,
            q.phase.title,
            q.phase.intro,
            q.key,
            q.parent.key if q.parent else None,
            q.order,
            q.text,
            q.help_text,
            q.kind,
            q.choices,
            q.allow_other,
            q.required,
            q.explanation_required,
            q.is_reflection,
            q.record_type,
            q.show_if_question.key if q.show_if_question else None,
            q.show_if_values,
        )
        for q in version.questions.select_related("phase", "parent", "show_if_question").order_by(
            "phase__order", "order"
        )
    ]


def test_the_default_template_round_trips(tmp_path, template_version):
    number = template_version.number
    text = export(number)
    assert text.startswith(
        f"number: {number}\nname: Phases of Microcredential Development\nphases:\n"
    )
    output = import_file(tmp_path, text)
    imported = TemplateVersion.objects.get(number=number + 1)
    assert output == (
        f"Imported “Phases of Microcredential Development” as version {number + 1} (draft): "
        "6 phases, "
        f"{template_version.questions.count()} questions.\n"
    )
    assert (imported.status, imported.name, imported.notes) == (
        "draft",
        template_version.name,
        f"Imported from YAML (exported from version {number}).",
    )
    assert question_rows(imported) == question_rows(template_version)
    # The default template has record sets and conditions: they travel too.
    assert imported.questions.exclude(record_type="").exists()
    assert imported.questions.filter(show_if_question__isnull=False).exists()
    assert export(number + 1) == text.replace(f"number: {number}\n", f"number: {number + 1}\n", 1)


def test_the_export_is_the_seed_document(template_version):
    """What the phase apps' YAML files say, less the defaults they spell out."""
    exported = yaml.safe_load(export(template_version.number))
    seed = default_template_document()
    assert [p["slug"] for p in exported["phases"]] == [p["slug"] for p in seed["phases"]]

    def keys(items):
        return [(i["key"], keys(i.get("children", []))) for i in items]

    for ours, theirs in zip(exported["phases"], seed["phases"], strict=True):
        assert keys(ours["questions"]) == keys(theirs["questions"])
    assert document_problems(seed) == []


def test_a_file_with_three_problems_reports_each_with_its_place_and_saves_nothing(
    tmp_path, template_version
):
    document = document_of(template_version)
    strategic, marketing = document["phases"][:2]
    strategic["questions"][0]["children"][0]["choices"] = ["Revenue"]  # business_case_drivers
    marketing["questions"][0]["kind"] = "essay"
    marketing["questions"][1]["key"] = "business_case"
    before = Question.objects.count()
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, yaml.safe_dump(document, sort_keys=False))
    assert str(error.value) == (
        f"{tmp_path / 'template.yaml'} was not imported: 3 problems. Nothing was saved.\n"
        "- Phase “strategic-planning”, question “business_case_drivers”, choices: A multiple "
        "choice question needs at least two choices, one per line.\n"
        "- Phase “marketing”, question “marketing_focus_and_messaging”, kind: “essay” is not "
        "a question kind; use one of: short_text, long_text, yes_no, single_choice, "
        "multiple_choice, number, money, date, record_set.\n"
        "- Phase “marketing”, question “business_case”, key: The key “business_case” is "
        "already used in phase “strategic-planning”: each question of a version needs its "
        "own key."
    )
    assert TemplateVersion.objects.count() == 1
    assert Question.objects.count() == before


@pytest.mark.usefixtures("without_default_template")
def test_the_shape_of_a_file_is_checked_field_by_field(tmp_path, db):
    text = """\
name: ""
colour: blue
phases:
  - slug: Strategic Planning
    title: Strategic Planning
    questions:
      - text: Which key?
        required: "yes"
      - key: pricing
        text: How will you price it?
        choices: Free
        children:
          - key: tiers
            text: ""
            help-text: Member and non-member prices.
  - slug: marketing
    title: Marketing
"""
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, text)
    assert str(error.value).split("\n")[1:] == [
        "- “colour” is not a field here; the fields are: number, name, phases.",
        "- Name: This is required.",
        "- Phase “Strategic Planning”, slug: Use only letters, digits, hyphens and "
        "underscores, at most 60 characters, such as strategic-planning.",
        "- Phase “Strategic Planning”, question “#1”, key: This is required.",
        "- Phase “Strategic Planning”, question “#1”, required: This must be true or false.",
        "- Phase “Strategic Planning”, question “pricing”, choices: List the choices as text, "
        "such as [Yes, No]; quote any that look like numbers or dates.",
        "- Phase “Strategic Planning”, question “tiers”: “help-text” is not a field here; the "
        "fields are: key, text, help_text, kind, choices, allow_other, required, "
        "explanation_required, reflection, record_type, show_if, children.",
        "- Phase “Strategic Planning”, question “tiers”, text: This is required.",
        "- Phase “marketing”, questions: A phase needs a list of questions.",
        *(
            f"- Phase “{slug}”: This phase is missing: the installed phase app “{app}” needs "
            "it in every version. Add a phase with this slug."
            for slug, app in [
                ("strategic-planning", "Strategic Planning"),
                ("operational-considerations", "Operational Considerations"),
                ("design-and-development", "Design and Development"),
                ("delivery", "Delivery"),
                ("maintenance", "Maintenance"),
            ]
        ),
    ]
    assert not TemplateVersion.objects.exists()


def test_a_file_that_is_not_yaml_says_where_it_breaks(tmp_path, db):
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, "name: x\nphases: [\n  - slug: a\n")
    assert str(error.value).split("\n")[1:] == [
        "- Line 3, column 3: the file cannot be read as YAML: expected the node content, "
        "but found '-'."
    ]


@pytest.mark.usefixtures("without_default_template")
@pytest.mark.parametrize(("data", "problem"), HOSTILE_FILES)
def test_a_hostile_file_is_refused_with_where_and_why_and_nothing_is_saved(
    tmp_path, db, data, problem
):
    path = tmp_path / "template.yaml"
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        call_command("import_template", str(path))
    # What `manage.py import_template` prints after "CommandError: ", and exits with.
    assert str(error.value) == (
        f"{path} was not imported: 1 problem. Nothing was saved.\n- {problem}"
    )
    assert error.value.returncode == 1
    assert not TemplateVersion.objects.exists()
    assert not Phase.objects.exists()
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 20 + "]" * 20, id="20-deep"),
        pytest.param("[" + "a," * 49_999 + "]", id="50000-values"),
        pytest.param("number: " + "1" * 30, id="30-digit-number"),
        pytest.param(template(20, 100), id="2000-questions-100-a-phase"),
        pytest.param(template(1, 50, children=1), id="100-questions-in-a-phase"),
        pytest.param(template(30, 1), id="30-phases"),
    ],
)
def test_a_file_at_each_limit_is_read(text):
    document, problems = parse_template_yaml(text)
    assert problems == []
    assert document is not None


def test_anything_else_the_parser_raises_is_a_problem_not_an_error(monkeypatch):
    """Such as the RecursionError that deep nesting raised before nesting was limited."""

    def recurse(loader):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(template_files._TemplateLoader, "get_single_data", recurse)
    assert parse_template_yaml("name: x\n") == (
        None,
        [Problem("The file cannot be read as YAML (RecursionError).")],
    )


def test_a_file_of_exactly_1_mb_is_read():
    text = "name: Big\nphases: []\n# "
    text += "x" * (1024 * 1024 - len(text))
    assert parse_template_yaml(text.encode()) == ({"name": "Big", "phases": []}, [])


def test_a_number_can_be_chosen_but_not_reused(tmp_path, template_version):
    text = export(template_version.number)
    assert "as version 7 (draft)" in import_file(tmp_path, text, "--number", "7")
    with pytest.raises(CommandError) as error:
        import_file(tmp_path, text, "--number", "7")
    assert str(error.value).split("\n")[1:] == [
        "- Number: Version 7 already exists: choose another number, or none to take the next "
        "free one (8)."
    ]
    assert "as version 8 (draft)" in import_file(tmp_path, text)


@pytest.mark.usefixtures("without_default_template")
def test_exporting_a_version_that_does_not_exist(db):
    with pytest.raises(CommandError, match="^There is no template version 4.$"):
        export(4)


def test_only_a_yes_no_question_can_require_its_explanation(template_version):
    document = document_of(template_version)
    business_case = document["phases"][0]["questions"][0]
    business_case["explanation_required"] = True
    assert [str(p) for p in document_problems(document)] == [
        "Phase “strategic-planning”, question “business_case”, explanation_required: Only "
        "yes / no questions have an explanation to require."
    ]


def test_control_characters_in_a_file_are_problems_located_field_by_field(template_version):
    document = document_of(template_version)
    strategic = document["phases"][0]
    document["name"] = "Phases\tof development"
    strategic["title"] = "Strategic\x1bPlanning"
    strategic["intro"] = "Decide first.\n\tThen build."
    strategic["questions"][0]["text"] = "What is the\u2028business case?"
    strategic["questions"][0]["children"][0]["choices"] = ["Revenue", "Vol\x85ume"]
    assert [str(problem) for problem in document_problems(document)] == [
        "Name: This text must fit on one line: remove the tab.",
        "Phase “strategic-planning”, title: This text contains the control character "
        "U+001B (ESC) at position 10: remove it and try again.",
        "Phase “strategic-planning”, question “business_case”, text: This text contains the "
        "control character U+2028 (LINE SEPARATOR) at position 12: remove it and try again.",
        "Phase “strategic-planning”, question “business_case_drivers”, choices: This text "
        "contains the control character U+0085 (NEL) at position 4: remove it and try again.",
    ]
