"""Checking a plan file before anything is stored: refused whole, every problem located."""

import copy

import pytest

from microcred.plans.models import Plan
from microcred.transfer.file_checks import read_plan_file
from microcred.transfer.problems import ImportRefused
from tests.transfer.plan_files import exported, index_of, platform_sets, upload

pytestmark = pytest.mark.django_db


def refusal(data) -> list[str]:
    """The problems a file is refused with (and that nothing was stored)."""
    plans = Plan.objects.count()
    with pytest.raises(ImportRefused) as refused:
        read_plan_file(upload(data))
    assert Plan.objects.count() == plans
    return [str(problem) for problem in refused.value.problems]


def test_a_file_that_is_not_json_is_refused(template_version):
    assert refusal(b'{"format": "microcred-plan",') == [
        "The file is not JSON: line 1, column 29: Expecting property name enclosed in double "
        "quotes."
    ]
    assert refusal(b"\xff\xfe{}") == ["The file is not UTF-8 text (byte 1)."]
    assert refusal(b'{"format_version": NaN}') == [
        "The file is not JSON a plan can be: NaN is not a number JSON allows."
    ]
    assert refusal(b"[" * 100_000 + b"]" * 100_000) == [
        "The file is not JSON a plan can be: it is nested too deeply."
    ]


def test_a_file_too_big_is_refused(template_version, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 1000
    assert refusal(b" " * 1001) == [
        "The file is too big (1001\xa0bytes): a plan file may have at most 1000\xa0bytes."
    ]


def test_a_file_off_the_schema_is_refused_with_every_problem_located(demo_plan):
    document = exported(demo_plan)
    document["colour"] = "teal"
    document["format_version"] = 2
    del document["plan"]["title"]
    document["plan"]["discount_rate"] = 8
    document["answers"][3] = {
        "question": "business_case",
        "phase": "strategic-planning",
        "kind": "number",
        "value": "abc",
    }
    document["answers"][4]["value"] = {"choice": "maybe", "explanation": ""}
    document["answers"][4]["kind"] = "yes_no"
    document["record_sets"][0]["rows"][0]["values"]["name"] = {"first": "Ada"}
    document["record_sets"][0]["rows"][1]["id"] = "two words"
    assert refusal(document) == [
        "$: Additional properties are not allowed ('colour' was unexpected)",
        'answers[3].value: "abc" is not a number written as a string, such as "12.5", or null',
        'answers[4].value.choice: "maybe" is not "yes" or "no"',
        "format_version: 2 is not 1 (this schema describes format version 1)",
        "plan.title: is missing",
        'plan.discount_rate: 8 is not a percentage written as a string, such as "8.00"',
        'record_sets[0].rows[0].values.name: {"first": "Ada"} is not a cell: text, a whole '
        "number, true or false, null, or a list of row ids",
        'record_sets[0].rows[1].id: "two words" is not a row id (letters, digits, - _ . and '
        ":, at most 100)",
        # Found by the checks that follow the schema's, at once.
        'answers[3].question: "business_case" is answered twice',
    ]


def test_rows_must_name_rows_of_the_file(demo_plan):
    document = exported(demo_plan)
    tiers = index_of(document, "record_sets", "price_tiers")
    forecasts = index_of(document, "record_sets", "candidate_forecast")
    document["record_sets"][tiers]["rows"][1]["id"] = "price_tiers-1"
    document["record_sets"][forecasts]["rows"][0]["values"]["price_tier"] = "price_tiers-99"
    document["record_sets"][forecasts]["rows"][1]["values"]["price_tier"] = "stakeholders-1"
    document["answers"].append(copy.deepcopy(document["answers"][0]))
    assert refusal(document) == [
        f'answers[{len(document["answers"]) - 1}].question: "business_case" is answered twice',
        f'record_sets[{tiers}].rows[1].id: "price_tiers-1" is the id of another row too',
        f'record_sets[{forecasts}].rows[0].values.price_tier: "price_tiers-99" is not a row id',
        f'record_sets[{forecasts}].rows[1].values.price_tier: "stakeholders-1" is not a row '
        "of price tiers",
    ]


def test_a_file_with_many_problems_lists_the_first_fifty(demo_plan):
    document = exported(demo_plan)
    for answer in document["answers"]:
        answer["value"] = 12
    problems = refusal(document)
    assert len(problems) == 51
    assert problems[-1] == f"… and {len(document['answers']) - 50} more problems."


def test_a_file_of_more_rows_than_a_plan_file_may_have_is_refused_before_its_schema(demo_plan):
    document = exported(demo_plan)
    document["record_sets"] = platform_sets(sets=128, rows=200)
    document["colour"] = "teal"  # not read: the file is refused on its size alone
    assert refusal(document) == [
        "The file has 25,600 table rows: a plan file may have at most 300."
    ]


def test_a_file_of_more_answers_than_a_plan_file_may_have_is_refused(demo_plan, settings):
    settings.PLAN_IMPORT_MAX_ANSWERS = 10
    document = exported(demo_plan)
    assert refusal(document) == [
        f"The file has {len(document['answers'])} answers: a plan file may have at most 10."
    ]


def test_a_file_of_too_many_values_is_refused_before_its_schema(demo_plan, settings):
    settings.PLAN_IMPORT_MAX_ROWS = 10
    document = exported(demo_plan)
    document["record_sets"] = []
    document["template"]["questions"] = [{"key": "q"}] * 10_000
    assert refusal(document) == [
        "The file holds more than 20,200 values (texts, numbers, lists and objects): a "
        "plan file holds far fewer."
    ]


def test_a_question_has_one_table_in_a_file(demo_plan):
    document = exported(demo_plan)
    document["record_sets"] = platform_sets(sets=2, rows=2)
    assert refusal(document) == [
        'record_sets[1].question: "platforms" has its table at record_sets[0] already: a '
        "plan holds one table per question"
    ]


def test_a_table_holds_no_more_rows_than_it_may(demo_plan):
    document = exported(demo_plan)
    rule = index_of(document, "record_sets", "recertification_rule")
    rows = document["record_sets"][rule]["rows"]
    rows.append({**copy.deepcopy(rows[0]), "id": "recertification_rule-2"})
    assert refusal(document) == [
        f"record_sets[{rule}].rows: has 2 rows: Recertification rule holds one recertification rule"
    ]


def test_a_file_of_more_links_between_rows_than_it_may_have_is_refused(demo_plan, settings):
    settings.PLAN_IMPORT_MAX_ROWS = 150
    document = exported(demo_plan)
    platforms = index_of(document, "record_sets", "platforms")
    rows = platform_sets(sets=1, rows=40)[0]["rows"]
    for row in rows:
        row["values"].update(
            integrates_with=[other["id"] for other in rows if other is not row],
            integration_status="planned",
        )
    document["record_sets"][platforms]["rows"] = rows
    assert refusal(document) == [
        "The file has 1,592 links between rows: a plan file may have at most 300."
    ]


def test_schema_problems_and_the_later_checks_are_reported_at_once(demo_plan):
    document = exported(demo_plan)
    tiers = index_of(document, "record_sets", "price_tiers")
    forecasts = index_of(document, "record_sets", "candidate_forecast")
    # What the schema refuses...
    document["colour"] = "teal"
    del document["plan"]["title"]
    document["answers"][4]["value"] = {"choice": "maybe", "explanation": ""}
    document["answers"][4]["kind"] = "yes_no"
    document["record_sets"][tiers]["rows"][0]["values"]["name"] = {"first": "Ada"}
    # ...and what only the later checks find, on the parts the schema takes.
    document["plan"]["currency"] = "XYZ"
    document["plan"]["discount_rate"] = "150"
    document["answers"].append(copy.deepcopy(document["answers"][0]))
    document["record_sets"][tiers]["rows"][1]["id"] = document["record_sets"][tiers]["rows"][0][
        "id"
    ]
    document["record_sets"][forecasts]["rows"][0]["values"]["price_tier"] = "price_tiers-99"
    assert refusal(document) == [
        "$: Additional properties are not allowed ('colour' was unexpected)",
        'answers[4].value.choice: "maybe" is not "yes" or "no"',
        "plan.title: is missing",
        f'record_sets[{tiers}].rows[0].values.name: {{"first": "Ada"}} is not a cell: text, a '
        "whole number, true or false, null, or a list of row ids",
        f'answers[{len(document["answers"]) - 1}].question: "business_case" is answered twice',
        f'record_sets[{tiers}].rows[1].id: "price_tiers-1" is the id of another row too',
        f'record_sets[{forecasts}].rows[0].values.price_tier: "price_tiers-99" is not a row id',
        # The row whose id was taken is linked to no more.
        f'record_sets[{forecasts}].rows[1].values.price_tier: "price_tiers-2" is not a row id',
        'plan.currency: "XYZ" is not a currency offered here (AUD, CAD, CHF, EUR, GBP, INR, '
        "JPY, NZD, USD, ZAR)",
        'plan.discount_rate: "150" is above 100%',
    ]


def test_a_later_check_says_nothing_of_a_value_the_schema_refused(demo_plan):
    document = exported(demo_plan)
    forecasts = index_of(document, "record_sets", "candidate_forecast")
    document["record_sets"][forecasts]["rows"][0]["values"]["price_tier"] = {"id": 7}
    document["plan"]["currency"] = "usd"
    assert refusal(document) == [
        'plan.currency: "usd" is not a three-letter currency code, such as "USD"',
        f'record_sets[{forecasts}].rows[0].values.price_tier: {{"id": 7}} is not a cell: text, '
        "a whole number, true or false, null, or a list of row ids",
    ]


def test_a_title_on_two_lines_is_refused_with_the_file(demo_plan):
    document = exported(demo_plan)
    document["plan"]["title"] = "Data Privacy\nFundamentals"
    assert refusal(document) == [
        "plan.title: The title must fit on one line: remove the line break."
    ]
