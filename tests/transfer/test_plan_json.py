"""A plan as a JSON file: what it holds, its schema, and its download."""

import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from microcred.comments.services import add_comment
from microcred.plans.answers import save_answer
from microcred.plans.models import Plan
from microcred.plans.record_rows import save_record
from microcred.plans.version_moves import move_plan_to_version
from microcred.questionnaires.kinds import KINDS
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.records.models import MAX_ROWS
from microcred.reports.options import ExportOptions
from microcred.reports.services import save_export_options
from microcred.review.services import decide_review, submit_for_review
from microcred.transfer.file_checks import read_plan_file
from microcred.transfer.imports import import_plan
from microcred.transfer.plan_json import (
    ANSWERS_AND_TABLES,
    NO_PHASE,
    options_block,
    options_from_block,
    plan_document,
    plan_schema,
)
from tests.transfer.plan_files import (
    EVERYTHING,
    answers_and_tables_with,
    assert_valid,
    exported,
    upload,
)

pytestmark = pytest.mark.django_db

# The demo plan with every option, as format version 1 wrote it before the export options
# of plan files and of the PDF and Word exports became one (tests/data/README.md).
EARLIER_FILE = Path(__file__).parents[1] / "data" / "plans" / "data-privacy-fundamentals.plan.json"


def by_question(document, key):
    return next(answer for answer in document["answers"] if answer["question"] == key)


def record_set(document, key):
    return next(entry for entry in document["record_sets"] if entry["question"] == key)


def test_the_demo_plan_exports_everything_and_follows_the_schema(demo_plan):
    document = exported(demo_plan, EVERYTHING)
    assert_valid(document)
    assert document["format"] == "microcred-plan"
    assert document["format_version"] == 1
    assert document["plan"] == {
        "title": "Data Privacy Fundamentals",
        "organization": "Northbridge Institute for Information Governance",
        "summary": demo_plan.summary,
        "status": "draft",
        "currency": "USD",
        "discount_rate": "0.00",
        "created_at": demo_plan.created_at.isoformat(),
        "updated_at": demo_plan.updated_at.isoformat(),
        "owner": "Maya Patel",
    }
    version = demo_plan.template_version
    assert document["template"]["number"] == version.number
    assert document["template"]["name"] == version.name
    assert len(document["template"]["questions"]) == version.questions.count()
    assert document["template"]["questions"][0] == {
        "key": "business_case",
        "phase": "strategic-planning",
        "kind": "long_text",
    }
    assert by_question(document, "credential_model") == {
        "question": "credential_model",
        "phase": "design-and-development",
        "kind": "single_choice",
        "value": {"choice": "Stackable", "other": ""},
    }
    # Tables are their rows, not their answers' row counts.
    assert not [a for a in document["answers"] if a["kind"] == "record_set"]
    assert len(document["record_sets"]) == 19


def test_rows_carry_their_cells_and_name_other_rows_by_their_id(demo_plan):
    document = exported(demo_plan)
    tiers = record_set(document, "price_tiers")
    assert tiers["record_type"] == "planning.price_tiers"
    assert tiers["rows"][0] == {
        "id": "price_tiers-1",
        "values": {
            "name": "Early adopter, member",
            "audience": "early_adopter",
            "audience_other": "",
            "price": "245.00",
            "seats": None,
            "valid_from": "2027-06-14",
            "valid_to": "2027-12-31",
            "currency": "USD",
        },
    }
    forecast = record_set(document, "candidate_forecast")["rows"][1]
    assert forecast == {
        "id": "candidate_forecast-2",
        "values": {"year": 1, "price_tier": "price_tiers-2", "candidates": 90},
    }
    platforms = record_set(document, "platforms")["rows"]
    assert [row["values"]["integrates_with"] for row in platforms] == [
        [],
        ["platforms-1"],
        ["platforms-1"],
        ["platforms-1"],
        ["platforms-1", "platforms-3"],
    ]
    cost_line = record_set(document, "cost_lines")["rows"][0]["values"]
    assert isinstance(cost_line["every_year"], bool)


def test_comments_and_review_rounds_only_when_chosen(demo_plan, django_user_model):
    reviewer = django_user_model.objects.get(username="reviewer")
    submit_for_review(plan=demo_plan, user=demo_plan.created_by, confirm_incomplete=True)
    decide_review(plan=demo_plan, user=reviewer, decision="changes_requested", reason="Costs?")
    without = exported(demo_plan)
    assert "comments" not in without and "review_rounds" not in without
    with_history = exported(demo_plan, answers_and_tables_with(include_appendix=True))
    assert_valid(with_history)
    [review_round] = with_history["review_rounds"]
    assert review_round["number"] == 1
    assert review_round["submitted_by"] == "Maya Patel"
    assert review_round["decision"] == "changes_requested"
    assert review_round["decided_by"] == "Rosa Lindqvist"
    assert review_round["reason"] == "Costs?"
    first, second = with_history["comments"]
    assert first["id"] == "comment-1"
    assert first["thread"] is None
    assert first["question"] == "business_case"
    assert first["author"] == "Rosa Lindqvist"
    assert first["body"].startswith("The 61% figure is persuasive.")
    assert second["question"] == "pricing_cost_and_tiers"


def test_replies_name_their_thread(demo_plan, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    thread = demo_plan.comments.get(question__key="business_case")
    add_comment(plan=demo_plan, user=editor, body="We will.", phase=thread.phase, thread=thread)
    comments = exported(demo_plan, answers_and_tables_with(include_appendix=True))["comments"]
    assert comments[-1]["thread"] == "comment-1"
    assert comments[-1]["body"] == "We will."


def test_phases_limit_the_answers_rows_and_comments(demo_plan):
    document = exported(
        demo_plan,
        answers_and_tables_with(phase_slugs=frozenset({"marketing"}), include_appendix=True),
    )
    assert_valid(document)
    assert {answer["phase"] for answer in document["answers"]} == {"marketing"}
    assert [entry["question"] for entry in document["record_sets"]] == [
        "audience_segments",
        "channels",
        "success_metrics",
    ]
    assert {q["phase"] for q in document["template"]["questions"]} == {"marketing"}
    assert document["comments"] == []  # both comments are on Strategic Planning
    assert document["options"]["phases"] == ["marketing"]


def test_unanswered_questions_only_when_chosen(plan, owner):
    question = plan.template_version.questions.get(key="business_case")
    save_answer(plan=plan, question=question, raw_value="Ours.", base_revision=0, user=owner)
    assert [a["question"] for a in exported(plan)["answers"]] == ["business_case"]
    assert exported(plan)["record_sets"] == []
    everything = exported(plan, answers_and_tables_with(include_unanswered=True))
    assert_valid(everything)
    unanswered = [a for a in everything["answers"] if a["value"] is None]
    assert len(unanswered) == len(everything["answers"]) - 1
    assert by_question(everything, "market_gap")["value"] is None
    assert record_set(everything, "price_tiers")["rows"] == []


def test_archived_answers_only_when_chosen(plan, owner, template_version):
    question = template_version.questions.get(key="market_gap")
    save_answer(plan=plan, question=question, raw_value="A gap.", base_revision=0, user=owner)
    draft = create_draft(source=template_version)
    draft.questions.get(key="market_gap").delete()
    newer = publish_version(version=draft)
    move_plan_to_version(plan=plan, version=newer, user=owner)
    plan = Plan.objects.select_related("template_version").get(pk=plan.pk)
    assert exported(plan)["answers"] == []
    document = exported(plan, answers_and_tables_with(include_archived=True))
    assert_valid(document)
    assert document["answers"] == [
        {
            "question": "market_gap",
            "phase": "strategic-planning",
            "kind": "long_text",
            "value": "A gap.",
            "archived": True,
            "template_version": template_version.number,
        }
    ]


def test_the_options_block_names_the_export_options_as_format_version_1_does():
    options = ExportOptions(
        phase_slugs=frozenset({"delivery", "marketing", "elsewhere"}), include_unanswered=False
    )
    assert options_block(options, phase_order=["strategic-planning", "marketing", "delivery"]) == {
        "comments": True,
        "phases": ["marketing", "delivery", "elsewhere"],
        "unanswered": False,
        "archived": True,
    }
    assert options_block(ANSWERS_AND_TABLES) == {
        "comments": False,
        "phases": [],
        "unanswered": False,
        "archived": False,
    }
    assert options_block(answers_and_tables_with(include_unanswered=True))["unanswered"]
    one_each = [
        answers_and_tables_with(include_appendix=True),
        answers_and_tables_with(include_unanswered=True),
        answers_and_tables_with(include_archived=True),
        answers_and_tables_with(phase_slugs=frozenset({"marketing"})),
    ]
    for chosen in (EVERYTHING, ANSWERS_AND_TABLES, options, *one_each):
        assert options_from_block(options_block(chosen)) == chosen
    # Version 1's empty list of phases is every phase, so no phase is not a file.
    with pytest.raises(ValueError, match=NO_PHASE):
        options_block(ExportOptions(phase_slugs=frozenset()))


def test_a_plan_file_cannot_leave_out_every_phase(plan):
    with pytest.raises(ValueError, match=NO_PHASE):
        plan_document(plan=plan, options=ExportOptions(phase_slugs=frozenset()))


def shape(document: dict) -> dict:
    """The names a document uses, at every level, without its values."""
    return {
        "document": sorted(document),
        "options": sorted(document["options"]),
        "plan": sorted(document["plan"]),
        "template": sorted(document["template"]),
        "questions": sorted({tuple(sorted(q)) for q in document["template"]["questions"]}),
        "answers": sorted({tuple(sorted(answer)) for answer in document["answers"]}),
        "record_sets": sorted({tuple(sorted(entry)) for entry in document["record_sets"]}),
        "rows": sorted(
            {tuple(sorted(row)) for entry in document["record_sets"] for row in entry["rows"]}
        ),
        "review_rounds": sorted({tuple(sorted(r)) for r in document["review_rounds"]}),
        "comments": sorted({tuple(sorted(comment)) for comment in document["comments"]}),
    }


def test_a_file_written_earlier_imports_whole_and_is_written_alike(demo_plan, outsider, settings):
    earlier = json.loads(EARLIER_FILE.read_text(encoding="utf-8"))
    report = import_plan(document=read_plan_file(upload(EARLIER_FILE.read_bytes())), user=outsider)
    assert report.not_placed == []
    imported = Plan.objects.select_related("template_version").get(pk=report.plan_id)
    again = exported(imported, EVERYTHING)
    assert again["answers"] == earlier["answers"]
    # In the newest release's order of the tables (release 5 put segments before channels).
    assert sorted(again["record_sets"], key=lambda entry: entry["question"]) == sorted(
        earlier["record_sets"], key=lambda entry: entry["question"]
    )
    # The same options make the same file, in the same names.
    assert options_from_block(earlier["options"]) == EVERYTHING
    settings.SITE_URL = earlier["exported_from"]
    now = json.loads(
        json.dumps(plan_document(plan=demo_plan, options=EVERYTHING, site_url=settings.SITE_URL))
    )
    assert_valid(now)
    assert now["options"] == earlier["options"]
    assert shape(now) == shape(earlier)


def test_the_schema_knows_every_kind_and_status():
    schema = plan_schema()
    assert schema["$id"] == "urn:microcred-planner:schema:plan:v1"
    assert set(schema["$defs"]["kind"]["enum"]) == set(KINDS)
    assert set(schema["properties"]["plan"]["properties"]["status"]["enum"]) == set(Plan.Status)
    kinds_checked = {
        rule["if"]["properties"]["kind"]["const"] for rule in schema["$defs"]["answer"]["allOf"]
    }
    assert kinds_checked == set(KINDS)


def test_the_schema_allows_as_many_rows_as_a_table_may_hold():
    rows = plan_schema()["$defs"]["record_set"]["properties"]["rows"]
    assert rows["maxItems"] == MAX_ROWS


def test_the_schema_is_public(client):
    response = client.get("/schemas/plan-v1.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(response.content) == plan_schema()
    assert "public" in response["Cache-Control"]


def download(client, plan, **query):
    return client.get(reverse("transfer:json_download", kwargs={"plan_id": plan.pk}), query)


def test_members_download_the_file_with_their_options(client, demo_plan, settings):
    settings.SITE_URL = "https://plans.example.org"
    client.force_login(demo_plan.created_by)
    response = download(client, demo_plan, comments="on", phases=["marketing", "delivery"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="data-privacy-fundamentals.plan.json"'
    )
    document = json.loads(response.content)
    assert_valid(document)
    assert document["$schema"] == "https://plans.example.org/schemas/plan-v1.json"
    assert document["exported_from"] == "https://plans.example.org"
    assert document["options"] == {
        "comments": True,
        "phases": ["marketing", "delivery"],
        "unanswered": False,
        "archived": False,
    }
    assert "no-store" in response["Cache-Control"]


def test_an_outsider_gets_404(client, demo_plan, outsider):
    client.force_login(outsider)
    assert download(client, demo_plan).status_code == 404


def test_unknown_options_are_refused_with_a_reason(client, demo_plan):
    client.force_login(demo_plan.created_by)
    response = download(client, demo_plan, phases="nowhere")
    assert response.status_code == 400
    assert response.content.decode() == (
        "These export options are not valid: phases: Select a valid choice. nowhere is not "
        "one of the available choices."
    )


def queries_of_download(client, plan) -> int:
    with CaptureQueriesContext(connection) as context:
        assert download(client, plan, comments="on", archived="on").status_code == 200
    return len(context)


def test_the_download_reads_the_same_number_of_queries_however_many_rows(
    client, demo_plan, django_assert_max_num_queries
):
    client.force_login(demo_plan.created_by)
    before = queries_of_download(client, demo_plan)
    version = demo_plan.template_version
    owner = demo_plan.created_by
    segment = version.questions.get(key="audience_segments")
    channels = version.questions.get(key="channels")
    for number in range(10):
        added = save_record(
            plan=demo_plan,
            question=segment,
            data={"name": f"Segment {number}", "reach": "new", "kind": "individual"},
            user=owner,
        ).record
        save_record(
            plan=demo_plan,
            question=channels,
            data={"name": f"Channel {number}", "segment": added.pk, "currency": "USD"},
            user=owner,
        )
    thread = demo_plan.comments.first()
    for number in range(5):
        add_comment(plan=demo_plan, user=owner, body=f"Reply {number}", phase=thread.phase)
    assert queries_of_download(client, demo_plan) == before
    with django_assert_max_num_queries(before):
        download(client, demo_plan, comments="on", archived="on")


def test_the_options_page_offers_the_phases_and_links_the_schema(client, demo_plan):
    client.force_login(demo_plan.created_by)
    url = reverse("transfer:json_options", kwargs={"plan_id": demo_plan.pk})
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h2 mb-3">Download Data Privacy Fundamentals as JSON</h1>' in page
    assert f'action="{reverse("transfer:json_download", kwargs={"plan_id": demo_plan.pk})}"' in page
    assert 'method="get"' in page
    form = page[page.index('method="get"') :]
    assert "csrfmiddlewaretoken" not in form[: form.index("</form>")]
    assert '<a href="/schemas/plan-v1.json">its JSON Schema</a>' in page
    for slug in ("strategic-planning", "marketing", "maintenance"):
        assert f'name="phases" value="{slug}"' in page
    assert '<button type="submit" class="btn btn-primary">Download JSON</button>' in page
    # The options start as the plan's export options, by default everything.
    assert re.search(r'<input type="checkbox" name="archived"[^>]* checked>', page)
    assert re.search(r'<input type="checkbox" name="comments"[^>]* checked>', page)


def test_the_json_options_start_as_the_plans_remembered_export_options(client, demo_plan):
    owner = demo_plan.created_by
    remembered = ExportOptions(phase_slugs=frozenset({"delivery"}), include_appendix=False)
    save_export_options(plan=demo_plan, options=remembered, user=owner)
    client.force_login(owner)
    page = client.get(reverse("transfer:json_options", kwargs={"plan_id": demo_plan.pk}))
    page = page.content.decode()
    assert not re.search(r'<input type="checkbox" name="comments"[^>]* checked>', page)
    assert re.search(r'<input type="checkbox" name="unanswered"[^>]* checked>', page)
    assert re.search(r'name="phases" value="delivery"[^>]* checked>', page)
    assert not re.search(
        r'<input type="checkbox" name="phases" value="marketing"[^>]* checked', page
    )


def test_the_dashboard_links_the_download_and_the_copy(client, plan, viewer):
    client.force_login(viewer)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f'<a href="/plans/{plan.pk}/json/">Download as JSON</a>' in page
    assert f'<a href="/plans/{plan.pk}/copy/">New plan from this one</a>' in page


def test_plan_document_names_where_it_comes_from_only_when_told(plan):
    assert "$schema" not in plan_document(plan=plan)
    document = plan_document(plan=plan, site_url="https://plans.example.org/")
    assert document["$schema"] == "https://plans.example.org/schemas/plan-v1.json"
