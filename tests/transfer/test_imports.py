"""Importing a plan file as a new plan: what is placed, what is reported, what is refused."""

import copy
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from delivery.models import Platform
from marketing.models import AudienceSegment, Channel
from microcred.demo.services import NORTHBRIDGE
from microcred.organizations.models import OrganizationMembership
from microcred.plans.answers import save_answer
from microcred.plans.models import Answer, Plan, PlanMembership
from microcred.plans.record_rows import save_record
from microcred.plans.version_moves import move_plan_to_version
from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.records.history import ADDED, row_history
from microcred.transfer.file_checks import read_plan_file
from microcred.transfer.import_report import ImportReport, NotPlaced
from microcred.transfer.imports import import_plan
from microcred.transfer.problems import ImportRefused
from planning.models import CandidateForecast
from tests.factories import add_to_organization
from tests.transfer.plan_files import (
    EVERYTHING,
    answers_and_tables_with,
    assert_valid,
    content,
    copied_rows,
    exported,
    index_of,
    platform_sets,
    upload,
)

pytestmark = pytest.mark.django_db

# Importing the demo plan's file: the template version, the plan and its owner's
# membership (with the checks of their links), the version's questions; then per record
# type of the file (19) its rows and their history, and the platforms' links; the answers
# and their history; and the savepoints of the test's transaction; and the organization
# (the file's by name, whether the importer plans for it, else the first they plan for).
DEMO_IMPORT_QUERIES = 55


def test_the_demo_plan_comes_back_answer_for_answer_and_row_for_row(demo_plan, outsider):
    add_to_organization(outsider, OrganizationMembership.Role.PROGRAM_MANAGER, NORTHBRIDGE)
    document = exported(demo_plan, EVERYTHING)
    report = import_plan(document=read_plan_file(upload(document)), user=outsider)
    imported = Plan.objects.select_related("template_version").get(pk=report.plan_id)
    assert content(exported(imported, EVERYTHING)) == content(document)
    assert imported.title == "Data Privacy Fundamentals"
    assert imported.status == Plan.Status.DRAFT
    assert imported.template_version == demo_plan.template_version
    assert imported.created_by == outsider
    assert list(imported.memberships.values_list("user__username", "role")) == [
        ("outsider", PlanMembership.Role.OWNER)
    ]
    assert report.not_placed == []
    assert report.answers == 64
    assert report.rows == 107
    assert report.left_out_message == (
        "The file's 2 comments are not recreated: the new plan starts as a draft without "
        "reviews or comments."
    )
    assert imported.comments.count() == 0
    # Each answer and row is a first revision, in its history, by the importer.
    answer = Answer.objects.get(plan=imported, question__key="business_case")
    assert (answer.revision, answer.updated_by) == (1, outsider)
    assert answer.history.get().history_user == outsider
    segment = AudienceSegment.objects.filter(plan=imported).first()
    assert (segment.revision, segment.history.get().history_user) == (1, outsider)


def test_a_file_of_an_organization_the_importer_does_not_plan_for_goes_to_theirs(
    demo_plan, outsider
):
    report = import_plan(document=exported(demo_plan), user=outsider)
    assert Plan.objects.get(pk=report.plan_id).organization.name == "Southgate College"
    named = import_plan(document=exported(demo_plan), user=outsider, organization="Guild")
    assert Plan.objects.get(pk=named.plan_id).organization.name == "Guild"


def test_the_demo_plans_file_is_imported_in_bulk(demo_plan, outsider, django_assert_num_queries):
    document = exported(demo_plan)
    with django_assert_num_queries(DEMO_IMPORT_QUERIES):
        report = import_plan(document=document, user=outsider)
    assert (report.answers, report.rows, report.not_placed) == (64, 107, [])
    imported = Plan.objects.get(pk=report.plan_id)
    # A table's answer is its number of rows, a first revision like the others.
    tiers = imported.answers.get(question__key="price_tiers")
    assert (tiers.value, tiers.revision, tiers.updated_by) == (6, 1, outsider)
    question = imported.template_version.questions.get(key="price_tiers")
    changes = row_history(plan=imported, question=question)
    assert [(change.action, change.changed_by) for change in changes] == [(ADDED, outsider)] * 6


def test_a_file_of_the_most_rows_makes_no_more_queries_than_the_demo_plans(
    demo_plan, outsider, settings, django_assert_max_num_queries
):
    # Each table three times over (the candidate forecast's 22 rows twice: a table holds
    # at most 50), 297 rows: nearly the 300 a file may hold, 2.8 times the demo plan's.
    document = read_plan_file(upload(copied_rows(exported(demo_plan), copies=3)))
    rows = sum(len(record_set["rows"]) for record_set in document["record_sets"])
    assert rows == 297 <= settings.PLAN_IMPORT_MAX_ROWS
    with django_assert_max_num_queries(DEMO_IMPORT_QUERIES + 2):
        report = import_plan(document=document, user=outsider)
    assert (report.rows, report.not_placed) == (297, [])
    forecasts = CandidateForecast.objects.filter(plan_id=report.plan_id)
    assert forecasts.values("price_tier").distinct().count() == 6 * 2


def test_rows_alike_in_one_file_are_refused_as_a_planner_typing_them_is(demo_plan, outsider):
    document = exported(demo_plan)
    forecasts = index_of(document, "record_sets", "candidate_forecast")
    rows = document["record_sets"][forecasts]["rows"]
    rows.append({"id": "candidate_forecast-twin", "values": dict(rows[0]["values"])})
    report = import_plan(document=document, user=outsider)
    tier_name = CandidateForecast.objects.filter(plan=demo_plan).first().price_tier.name
    assert report.not_placed == [
        NotPlaced(
            path=f"record_sets[{forecasts}].rows[{len(rows) - 1}]",
            what=f"Candidate forecast, row {len(rows)}",
            reason=f"Price tier: Year {rows[0]['values']['year']} already has a forecast for "
            f"“{tier_name}”: change that row instead.",
        )
    ]
    assert report.rows == 107


def test_rows_named_before_the_rows_they_name_keep_their_order_and_links(demo_plan, outsider):
    document = exported(demo_plan)
    # Channels before the audience segments they reach, as releases 3 and 4 asked them.
    record_sets = document["record_sets"]
    channels = record_sets.pop(index_of(document, "record_sets", "channels"))
    record_sets.insert(index_of(document, "record_sets", "audience_segments"), channels)
    report = import_plan(document=document, user=outsider)
    channels = Channel.objects.filter(plan_id=report.plan_id).select_related("segment")
    original = Channel.objects.filter(plan=demo_plan).select_related("segment")
    assert [(c.name, c.segment.name, c.position) for c in channels] == [
        (c.name, c.segment.name, c.position) for c in original
    ]


def platform(plan, product, *, integrates_with=(), status="", record=None):
    question = plan.template_version.questions.get(key="platforms")
    data = {
        "product": product,
        "role": "testing",
        "integrates_with": [p.pk for p in integrates_with],
        "integration_status": status,
    }
    return save_record(
        plan=plan,
        question=question,
        data=data,
        user=plan.created_by,
        record_id=record.pk if record else None,
        base_revision=record.revision if record else 0,
    ).record


def test_rows_that_name_each_other_are_placed_with_their_links(plan, outsider):
    first = platform(plan, "Exam delivery")
    second = platform(plan, "Badges", integrates_with=[first], status="built")
    platform(plan, "Exam delivery", integrates_with=[second], status="planned", record=first)
    report = import_plan(document=exported(plan), user=outsider)
    assert report.not_placed == []
    placed = {p.product: p for p in Platform.objects.filter(plan_id=report.plan_id)}
    assert [p.product for p in Platform.objects.filter(plan_id=report.plan_id)] == [
        "Exam delivery",
        "Badges",
    ]
    exam, badges = placed["Exam delivery"], placed["Badges"]
    assert list(exam.integrates_with.all()) == [badges]
    assert exam.integration_status == "planned"
    assert list(badges.integrates_with.all()) == [exam]
    assert badges.integration_status == "built"


def test_a_chain_of_rows_each_naming_the_next_keeps_its_order_and_links(plan, outsider):
    document = exported(plan)
    document["record_sets"] = platform_sets(sets=1, rows=30)
    # The last names the first: the chain is a circle, placed from its first row.
    document["record_sets"][0]["rows"][-1]["values"].update(
        integrates_with=["platforms-1"], integration_status="planned"
    )
    report = import_plan(document=read_plan_file(upload(document)), user=outsider)
    assert (report.rows, report.not_placed) == (30, [])
    platforms = Platform.objects.filter(plan_id=report.plan_id).prefetch_related("integrates_with")
    assert [
        (p.product, [other.product for other in p.integrates_with.all()]) for p in platforms
    ] == [(f"Platform {n}", [f"Platform {n % 30 + 1}"]) for n in range(1, 31)]


@pytest.fixture
def newer_version(template_version):
    """A newer published version that no longer asks market_gap or for competitors, and
    asks program_fit as a number."""
    draft = create_draft(source=template_version)
    draft.questions.get(key="market_gap").delete()
    draft.questions.get(key="competitors").delete()
    draft.questions.filter(key="program_fit").update(kind="number")
    return publish_version(version=draft)


def test_a_file_of_an_older_version_moves_by_key_to_the_newest(demo_plan, outsider, newer_version):
    document = exported(demo_plan)
    old_number = document["template"]["number"]
    assert TemplateVersion.objects.get(number=old_number).status == "retired"
    tiers = index_of(document, "record_sets", "price_tiers")
    document["record_sets"][tiers]["rows"][0]["values"]["audience"] = "other"
    document["record_sets"][tiers]["rows"][1]["values"]["colour"] = "teal"
    document["record_sets"].append(
        {
            "question": "unicorns",
            "phase": "marketing",
            "record_type": "marketing.unicorns",
            "rows": [{"id": "unicorns-1", "values": {"name": "Sparkle"}}],
        }
    )
    report = import_plan(document=read_plan_file(upload(document)), user=outsider)
    imported = Plan.objects.get(pk=report.plan_id)
    assert imported.template_version == newer_version
    assert (report.file_version, report.version) == (old_number, newer_version.number)
    new = newer_version.number
    market_gap = demo_plan.answers.get(question__key="market_gap").value
    program_fit = demo_plan.answers.get(question__key="program_fit").value
    forecasts = index_of(document, "record_sets", "candidate_forecast")
    forecast_rows = [
        (i, row)
        for i, row in enumerate(document["record_sets"][forecasts]["rows"])
        if row["values"]["price_tier"] == "price_tiers-1"
    ]
    assert report.not_placed == [
        NotPlaced(
            path=f"answers[{index_of(document, 'answers', 'market_gap')}]",
            what="Answer to “market_gap”",
            reason=f"Template version {new} does not ask this question.",
            value=market_gap[:199] + "…",
        ),
        NotPlaced(
            path=f"answers[{index_of(document, 'answers', 'program_fit')}]",
            what="Answer to “program_fit”",
            reason=f"The answer does not fit the question in template version {new}: "
            f"“{program_fit}” is not a number: use a point for decimals (1.5) and commas only "
            "between groups of three digits (1,500).",
            value=program_fit[:199] + "…",
        ),
        NotPlaced(
            path=f"record_sets[{index_of(document, 'record_sets', 'competitors')}]",
            what="4 rows of “competitors”",
            reason=f"Template version {new} does not ask this question.",
        ),
        NotPlaced(
            path=f"record_sets[{tiers}].rows[1].values.colour",
            what="Price tiers, row 2: “colour”",
            reason="This installation's price tiers have no such column.",
            value="teal",
        ),
        NotPlaced(
            path=f"record_sets[{len(document['record_sets']) - 1}]",
            what="1 row of “unicorns”",
            reason="This installation has no table “marketing.unicorns”.",
        ),
        NotPlaced(
            path=f"record_sets[{tiers}].rows[0]",
            what="Price tiers, row 1 (“Early adopter, member”)",
            reason="Other audience: You chose Other: say what it is.",
        ),
        *(
            NotPlaced(
                path=f"record_sets[{forecasts}].rows[{i}]",
                what=f"Candidate forecast, row {i + 1}",
                reason="Price tier: This field is required. (It links to price_tiers-1, which "
                "could not be placed.)",
            )
            for i, _row in forecast_rows
        ),
    ]
    assert report.answers == 62
    assert report.rows == 107 - 4 - 1 - len(forecast_rows)


def test_the_report_page_lists_what_was_not_placed(client, demo_plan, outsider, newer_version):
    client.force_login(outsider)
    document = exported(demo_plan)
    tiers = index_of(document, "record_sets", "price_tiers")
    document["record_sets"][tiers]["rows"][0]["values"].update(
        name="<b>Early</b>", audience="other"
    )
    response = client.post(reverse("transfer:import"), {"file": upload(document)})
    plan = Plan.objects.get(created_by=outsider)
    assert response.status_code == 302
    assert response["Location"] == reverse("transfer:import_report", kwargs={"plan_id": plan.pk})
    page = client.get(response["Location"]).content.decode()
    assert (
        f'<a href="/plans/{plan.pk}/">Data Privacy Fundamentals</a> was made as a draft on '
        f"template version {newer_version.number} (the file's answers were given on version "
        f"{demo_plan.template_version.number}, which is not published here, so they followed "
        f"their questions to version {newer_version.number})"
    ) in page
    assert "could not be placed</h2>" in page
    assert "<td>Price tiers, row 1 (“&lt;b&gt;Early&lt;/b&gt;”)</td>" in page
    assert f"<td><code>record_sets[{tiers}].rows[0]</code></td>" in page
    assert "<td>Other audience: You chose Other: say what it is.</td>" in page
    assert "<b>Early</b>" not in page


def test_the_report_page_reads_a_fixed_number_of_queries(
    client, demo_plan, outsider, django_assert_max_num_queries
):
    client.force_login(outsider)
    report = import_plan(document=exported(demo_plan), user=outsider)
    session = client.session
    session[f"plan-import-report-{report.plan_id}"] = report.as_dict()
    session.save()
    with django_assert_max_num_queries(6):
        page = client.get(reverse("transfer:import_report", kwargs={"plan_id": report.plan_id}))
    assert '<h2 class="h4" id="not-placed-heading">Everything was placed</h2>' in (
        page.content.decode()
    )


def test_without_a_report_in_the_session_the_page_says_so(client, demo_plan):
    client.force_login(demo_plan.created_by)
    page = client.get(reverse("transfer:import_report", kwargs={"plan_id": demo_plan.pk}))
    assert page.status_code == 200
    assert "This plan's import report is no longer kept" in page.content.decode()


def test_a_report_survives_the_session(demo_plan, outsider):
    report = import_plan(document=exported(demo_plan), user=outsider)
    stored = json.loads(json.dumps(report.as_dict()))
    assert ImportReport.from_dict(stored) == report


def test_a_plan_the_service_refuses_is_not_stored(demo_plan, outsider):
    document = exported(demo_plan)
    document["plan"]["currency"] = "XYZ"
    plans = Plan.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_plan(document=document, user=outsider)
    assert [str(p) for p in refused.value.problems] == [
        "plan.currency: Value 'XYZ' is not a valid choice."
    ]
    document["plan"]["currency"] = "USD"
    document["plan"]["title"] = "Two\nlines"
    with pytest.raises(ImportRefused) as refused:
        import_plan(document=document, user=outsider)
    assert [str(p) for p in refused.value.problems] == [
        "plan: The title must fit on one line: remove the line break."
    ]
    assert Plan.objects.count() == plans


def test_amounts_in_another_currency_are_reported(demo_plan, outsider):
    document = exported(
        demo_plan, answers_and_tables_with(phase_slugs=frozenset({"strategic-planning"}))
    )
    competitors = index_of(document, "record_sets", "competitors")
    document["record_sets"][competitors]["rows"][0]["values"]["currency"] = "EUR"
    report = import_plan(document=document, user=outsider)
    assert report.not_placed == [
        NotPlaced(
            path=f"record_sets[{competitors}].rows[0]",
            what="Competitors, row 1 (“Privacy associations' full certifications”)",
            reason="Price (USD): This plan's amounts are in USD; change the plan's currency "
            "or enter the amount in USD.",
        )
    ]


def test_archived_answers_are_reported_not_imported(plan, owner, outsider, newer_version):
    question = plan.template_version.questions.get(key="market_gap")
    save_answer(plan=plan, question=question, raw_value="A gap.", base_revision=0, user=owner)
    move_plan_to_version(plan=plan, version=newer_version, user=owner)
    plan = Plan.objects.select_related("template_version").get(pk=plan.pk)
    report = import_plan(document=exported(plan, EVERYTHING), user=outsider)
    [archived] = report.not_placed
    assert archived.what == "Answer to “market_gap”"
    assert archived.reason == (
        f"An archived answer (kept from template version {question.version.number}): "
        "archived answers are not imported."
    )
    assert archived.value == "A gap."


def test_the_import_page_has_its_form(client, owner):
    client.force_login(owner)
    page = client.get(reverse("transfer:import")).content.decode()
    assert '<h1 class="h2 mb-3">Import a plan</h1>' in page
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<label\s+for="id_file"[^>]*>\s*Plan file \(JSON\)', page)
    assert "at most 10.0\xa0MB, 300 table rows and 500 answers." in page
    assert page.count('name="csrfmiddlewaretoken"') == 2  # the form's, and logging out's


def test_my_plans_links_the_import(client, owner):
    client.force_login(owner)
    page = client.get(reverse("plans:list")).content.decode()
    assert '<a class="btn btn-outline-secondary" href="/plans/import/">Import a plan</a>' in page


def test_a_refused_file_shows_its_problems_beside_the_field(client, owner, template_version):
    client.force_login(owner)
    response = client.post(
        reverse("transfer:import"), {"file": upload(b'{"format": "<b>plan</b>"}')}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert Plan.objects.count() == 0
    field = page[page.index('id="div_id_file"') :]
    field = field[: field.index("</form>")]
    assert 'aria-invalid="true"' in field
    for problem in (
        "format: &quot;&lt;b&gt;plan&lt;/b&gt;&quot; is not &quot;microcred-plan&quot;",
        "format_version: is missing",
        "plan: is missing",
    ):
        assert problem in field
    assert "<b>plan</b>" not in page


def test_a_file_too_big_for_the_upload_is_refused_beside_the_field(client, owner, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 100
    client.force_login(owner)
    response = client.post(reverse("transfer:import"), {"file": upload(b" " * 5000)})
    assert response.status_code == 400
    assert "The file is too big: a plan file may have at most 100\xa0bytes." in (
        response.content.decode()
    )


def test_the_exported_file_is_valid_before_and_after(demo_plan, outsider):
    document = exported(demo_plan, EVERYTHING)
    assert_valid(document)
    report = import_plan(document=document, user=outsider)
    imported = Plan.objects.select_related("template_version").get(pk=report.plan_id)
    assert_valid(exported(imported, EVERYTHING))


def test_the_upload_checks_its_csrf_token(owner, template_version):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("transfer:import"), {"file": upload(b"{}")})
    assert response.status_code == 403
    page = client.get(reverse("transfer:import")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("transfer:import"), {"file": upload(b"{}"), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 400


def test_control_characters_in_a_file_are_refused_with_where_they_are(
    client, plan, owner, outsider
):
    question = plan.template_version.questions.get(key="business_case")
    save_answer(plan=plan, question=question, raw_value="Grow.", base_revision=0, user=owner)
    platform(plan, "Exam delivery")
    document = exported(plan)
    answer = index_of(document, "answers", "business_case")
    document["answers"][answer]["value"] = "Grow\u2028volume."
    platforms = index_of(document, "record_sets", "platforms")
    document["record_sets"][platforms]["rows"][0]["values"]["product"] = "Exam\x1b delivery"
    client.force_login(outsider)
    response = client.post(reverse("transfer:import"), {"file": upload(document)})
    page = response.content.decode()
    assert response.status_code == 400
    assert not Plan.objects.filter(created_by=outsider).exists()
    for path, character in (
        (f"answers[{answer}].value", "U+2028 (LINE SEPARATOR)"),
        (f"record_sets[{platforms}].rows[0].values.product", "U+001B (ESC)"),
    ):
        assert (
            f"{path}: The text contains the control character {character} at position 5: "
            "remove it and try again."
        ) in page


def test_a_nul_character_is_refused_beside_the_field_with_where_it_is(client, demo_plan, outsider):
    client.force_login(outsider)
    document = exported(demo_plan)
    answer = index_of(document, "answers", "business_case")
    document["answers"][answer]["value"] = "Before\u0000after"
    tiers = index_of(document, "record_sets", "price_tiers")
    document["record_sets"][tiers]["rows"][0]["values"]["name"] = "Early\u0000"
    response = client.post(reverse("transfer:import"), {"file": upload(document)})
    page = response.content.decode()
    assert response.status_code == 400
    assert not Plan.objects.filter(created_by=outsider).exists()
    for path, position in (
        (f"answers[{answer}].value", 7),
        (f"record_sets[{tiers}].rows[0].values.name", 6),
    ):
        assert (
            f"{path}: The text contains the control character U+0000 (NUL) at position "
            f"{position}: remove it and try again."
        ) in page


def test_half_a_surrogate_pair_is_refused_beside_the_field(client, demo_plan, outsider):
    client.force_login(outsider)
    document = exported(demo_plan)
    answer = index_of(document, "answers", "business_case")
    document["answers"][answer]["value"] = "Before\ud800after"
    document["format"] = "\udfff"  # shown in no message of the schema's
    response = client.post(reverse("transfer:import"), {"file": upload(document)})
    page = response.content.decode()
    assert response.status_code == 400
    assert not Plan.objects.filter(created_by=outsider).exists()
    assert "format: holds U+DFFF, half of a UTF-16 surrogate pair, which is not text" in page
    assert (
        f"answers[{answer}].value: holds U+D800, half of a UTF-16 surrogate pair, which is not text"
    ) in page


def test_a_hand_edited_file_shows_all_its_problems_at_once(client, demo_plan, outsider):
    document = exported(demo_plan)
    document["colour"] = "teal"  # the schema refuses it
    document["plan"]["currency"] = "XYZ"  # the schema takes it; no plan can have it
    document["answers"].append(copy.deepcopy(document["answers"][0]))  # answered twice
    client.force_login(outsider)
    response = client.post(reverse("transfer:import"), {"file": upload(document)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "$: Additional properties are not allowed ('colour' was unexpected)",
        f'answers[{len(document["answers"]) - 1}].question: "business_case" is answered twice',
        'plan.currency: "XYZ" is not a currency offered here (AUD, CAD, CHF, EUR, GBP, INR, '
        "JPY, NZD, USD, ZAR)",
    ]
    assert Plan.objects.filter(title=demo_plan.title).count() == 1
