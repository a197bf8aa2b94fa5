"""Record sets, whatever their type: rows saved, refused, deleted and moved; counted as an
answer; in history and in Changes since the last review; on the phase page and in the
report. Each record type is tried with its phase app's demo rows."""

import dataclasses
import datetime
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from microcred.demo.services import demo_form_data, load_demo_records
from microcred.plans.answers import save_answer
from microcred.plans.progress import phase_progress
from microcred.plans.record_rows import (
    InvalidRecord,
    RecordConflict,
    RecordRefused,
    RecordsLocked,
    delete_record,
    move_record,
    save_record,
)
from microcred.plans.selectors import archived_answers
from microcred.plans.version_moves import move_plan_to_version
from microcred.questionnaires.versions import create_draft, publish_version
from microcred.records.cells import cell_text
from microcred.records.history import row_changes_since, row_history
from microcred.records.registry import REGISTRY, record_tables
from microcred.reports.pdf import html_to_pdf
from microcred.reports.rendering import render_plan_html
from microcred.review.services import submit_for_review
from tests.factories import record_set_question_in
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
RECORD_TYPES = sorted(REGISTRY)


def demo_rows(record_type_name: str) -> list[dict]:
    record_type = REGISTRY[record_type_name]
    source = Path(apps.get_app_config(record_type.app_label).path) / "demo_records.yaml"
    return yaml.safe_load(source.read_text())[record_type_name.split(".")[1]]


def question_for(plan, record_type_name):
    return record_set_question_in(plan.template_version, record_type_name)


def add_demo_row(plan, record_type_name, user, index=0):
    question = question_for(plan, record_type_name)
    data = demo_form_data(REGISTRY[record_type_name], plan, demo_rows(record_type_name)[index])
    return save_record(plan=plan, question=question, data=data, user=user).record


def fill_referenced_tables(plan, user):
    """Every table's demo rows (a table that other tables' rows name comes first), with a
    question for each record type that the default template does not ask for."""
    for name in REGISTRY:
        question_for(plan, name)
    load_demo_records(plan=plan, user=user)


def price_tier_data(**changes) -> dict:
    data = {
        "name": "Member",
        "audience": "member",
        "price": "245.00",
        "currency": "USD",
        "valid_from": "2027-09-01",
    }
    data.update(changes)
    return data


@pytest.fixture
def tiers(plan):
    return question_for(plan, "planning.price_tiers")


def test_a_row_is_saved_with_its_revision_and_counts_as_the_answer(plan, tiers, editor):
    result = save_record(plan=plan, question=tiers, data=price_tier_data(), user=editor)
    row = result.record
    assert result.changed and row.revision == 1 and row.updated_by == editor
    assert (row.plan, row.question, row.position) == (plan, tiers, 1)
    assert plan.answers.get(question=tiers).value == 1
    progress = {p.phase.slug: p for p in phase_progress([plan])[plan.pk]}
    assert progress["strategic-planning"].answered == 1


def test_a_second_row_comes_after_the_first(plan, tiers, editor):
    save_record(plan=plan, question=tiers, data=price_tier_data(), user=editor)
    second = save_record(
        plan=plan, question=tiers, data=price_tier_data(name="Non-member"), user=editor
    ).record
    assert second.position == 2
    assert plan.answers.get(question=tiers).value == 2


def test_invalid_data_stores_nothing_and_says_why_field_by_field(plan, tiers, editor):
    with pytest.raises(InvalidRecord) as invalid:
        save_record(plan=plan, question=tiers, data=price_tier_data(price="-5"), user=editor)
    assert invalid.value.form.errors["price"] == ["An amount cannot be negative."]
    assert not REGISTRY["planning.price_tiers"].model.objects.exists()
    assert not plan.answers.filter(question=tiers).exists()


def test_a_change_from_an_older_revision_is_refused_with_who_and_when(plan, tiers, owner, editor):
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    save_record(
        plan=plan,
        question=tiers,
        data=price_tier_data(price="250.00"),
        user=owner,
        record_id=row.pk,
        base_revision=1,
    )
    with pytest.raises(RecordConflict) as conflict:
        save_record(
            plan=plan,
            question=tiers,
            data=price_tier_data(price="260.00"),
            user=editor,
            record_id=row.pk,
            base_revision=1,
        )
    assert str(conflict.value).startswith("Olivia Owner changed this price tier at ")
    row.refresh_from_db()
    assert (row.price, row.revision) == (250, 2)


def test_a_change_to_a_deleted_row_is_refused(plan, tiers, owner, editor):
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    delete_record(plan=plan, question=tiers, record_id=row.pk, user=owner)
    with pytest.raises(RecordConflict, match="This price tier was deleted by someone else"):
        save_record(
            plan=plan,
            question=tiers,
            data=price_tier_data(),
            user=editor,
            record_id=row.pk,
            base_revision=1,
        )
    assert not plan.answers.get(question=tiers).value


def test_rows_do_not_change_while_the_plan_is_in_review(plan, tiers, owner):
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    submit_for_review(plan=plan, user=owner, confirm_incomplete=True)
    locked = "This plan is in review: its answers are locked"
    with pytest.raises(RecordsLocked, match=locked):
        save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner)
    with pytest.raises(RecordsLocked, match=locked):
        delete_record(plan=plan, question=tiers, record_id=row.pk, user=owner)


def test_a_table_holds_at_most_its_limit_of_rows(plan, tiers, owner, monkeypatch):
    limited = dataclasses.replace(REGISTRY["planning.price_tiers"], max_rows=2)
    monkeypatch.setitem(REGISTRY, "planning.price_tiers", limited)
    for name in ("A", "B"):
        save_record(plan=plan, question=tiers, data=price_tier_data(name=name), user=owner)
    with pytest.raises(RecordRefused, match="Price tiers holds at most 2 rows"):
        save_record(plan=plan, question=tiers, data=price_tier_data(name="C"), user=owner)


def test_a_single_row_table_takes_one_row(plan, owner):
    first = add_demo_row(plan, "operations.recertification_rule", owner)
    with pytest.raises(RecordRefused, match="holds one"):
        add_demo_row(plan, "operations.recertification_rule", owner)
    assert first.pk


def test_rows_of_an_ordered_table_move_up_and_down(plan, owner):
    question = question_for(plan, "design.stack_components")
    first, second = (add_demo_row(plan, "design.stack_components", owner, i) for i in (0, 1))
    move_record(plan=plan, question=question, record_id=second.pk, step=-1, user=owner)
    table = record_tables(plan, [question])[question.pk]
    assert [row.pk for row in table.rows] == [second.pk, first.pk]
    with pytest.raises(RecordRefused, match="means nothing"):
        move_record(
            plan=plan,
            question=question_for(plan, "planning.price_tiers"),
            record_id=first.pk,
            step=1,
            user=owner,
        )


# The demo plan's tables are filled through their forms (load_demo_records), every
# condition under which a table applies holds, and its load is shared (tests/conftest.py).
@pytest.mark.parametrize("record_type_name", RECORD_TYPES)
def test_every_demo_row_saves_through_its_form(demo_plan, record_type_name):
    plan = demo_plan
    question = question_for(plan, record_type_name)
    model = REGISTRY[record_type_name].model
    assert model.objects.filter(plan=plan, question=question).count() == len(
        demo_rows(record_type_name)
    )


def answer_conditions_yes(plan, user):
    """Answers under which every conditional table applies: a stackable model that
    provides learning, for candidates who must stay current."""
    answers = {
        "credential_model": {"choice": "Stackable", "other": ""},
        "provides_learning": {"choice": "yes", "explanation": ""},
        "staying_current": {"choice": "yes", "explanation": "Every three years."},
    }
    for key, value in answers.items():
        question = plan.template_version.questions.get(key=key)
        save_answer(plan=plan, question=question, raw_value=value, base_revision=0, user=user)


@pytest.mark.parametrize("record_type_name", RECORD_TYPES)
def test_each_record_type_shows_in_the_report_and_history(client, demo_plan, record_type_name):
    plan, owner = demo_plan, demo_plan.created_by
    question = question_for(plan, record_type_name)
    table = record_tables(plan, [question])[question.pk]
    first = table.rows[0]
    cells = [text for _, text in table.body[0][1] if text]
    client.force_login(owner)
    preview = client.get(reverse("reports:preview", args=[plan.pk])).content.decode()
    for text in cells:
        assert escape(text) in preview, text
    history = row_history(plan=plan, question=question)
    added = [change for change in history if change.row == str(first)]
    assert added and added[0].action == "added"


def test_changes_since_a_review_are_told_row_by_row_and_cell_by_cell(plan, tiers, owner):
    kept = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    gone = save_record(
        plan=plan, question=tiers, data=price_tier_data(name="Early"), user=owner
    ).record
    since = timezone.now()
    save_record(
        plan=plan,
        question=tiers,
        data=price_tier_data(price="265.00"),
        user=owner,
        record_id=kept.pk,
        base_revision=1,
    )
    delete_record(plan=plan, question=tiers, record_id=gone.pk, user=owner)
    save_record(plan=plan, question=tiers, data=price_tier_data(name="Licence"), user=owner)
    changes = row_changes_since(plan=plan, question=tiers, since=since)
    assert [(c.action, c.row) for c in changes] == [
        ("changed", "Member"),
        ("removed", "Early"),
        ("added", "Licence"),
    ]
    assert [(c.heading, c.before, c.after) for c in changes[0].cells] == [
        ("Price", "245.00 USD", "265.00 USD")
    ]


def test_the_phase_page_shows_the_tables_in_a_constant_number_of_queries(
    client, plan, owner, django_assert_num_queries
):
    client.force_login(owner)
    url = reverse("plans:phase", args=[plan.pk, "strategic-planning"])
    fill_referenced_tables(plan, owner)
    client.get(url)
    cache.clear()  # count what rendering the page takes, not a cached copy
    with CaptureQueriesContext(connection) as counted:
        client.get(url)
    queries_with_demo_rows = len(counted.captured_queries)
    for record_type_name in ("planning.stakeholders", "planning.competitors"):
        for index in range(3):
            add_demo_row(plan, record_type_name, owner, index % len(demo_rows(record_type_name)))
    cache.clear()
    with django_assert_num_queries(queries_with_demo_rows):
        response = client.get(url)
    content = response.content.decode()
    assert 'id="rs-price_tiers"' in content
    assert "Add price tier" in content


def test_adding_a_row_from_the_page_with_htmx_returns_the_table(client, plan, owner, tiers):
    client.force_login(owner)
    url = reverse("plans:record_add", args=[plan.pk, "strategic-planning", "price_tiers"])
    data = {f"price_tiers-new-{k}": v for k, v in price_tier_data().items()}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Added the price tier." in content
    assert 'hx-swap-oob="true"' in content  # the rows' form elements, outside the answers form
    assert REGISTRY["planning.price_tiers"].model.objects.get(plan=plan).name == "Member"


def test_an_invalid_new_row_shows_the_message_beside_its_cell(client, plan, owner, tiers):
    client.force_login(owner)
    url = reverse("plans:record_add", args=[plan.pk, "strategic-planning", "price_tiers"])
    data = {f"price_tiers-new-{k}": v for k, v in price_tier_data(price="abc").items()}
    content = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "The price tier was not added: see the messages beside its cells." in content
    assert 'value="abc"' in content
    assert "Enter a number." in content


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1_000", "Enter a number."),
        ("1e3", "Enter a number."),
        ("١٢٣", "“١٢٣” has digits other than 0 to 9: type the number with 0 to 9, such as 120."),
    ],
)
def test_a_number_cell_takes_only_the_digits_0_to_9(plan, tiers, owner, typed, message):
    with pytest.raises(InvalidRecord) as invalid:
        save_record(plan=plan, question=tiers, data=price_tier_data(price=typed), user=owner)
    assert invalid.value.form.errors == {"price": [message]}
    assert not REGISTRY["planning.price_tiers"].model.objects.exists()


def test_a_whole_number_cell_takes_only_the_digits_0_to_9(plan, owner):
    question = question_for(plan, "maintenance.review_cycles")

    def cycle(every_months: str) -> dict[str, str]:
        return {"name": "Content review", "area": "content", "every_months": every_months}

    refusals = {
        "1_2": "Enter a whole number.",
        "١٢": "“١٢” has digits other than 0 to 9: type the number with 0 to 9, such as 120.",
    }
    for typed, message in refusals.items():
        with pytest.raises(InvalidRecord) as invalid:
            save_record(plan=plan, question=question, data=cycle(typed), user=owner)
        assert invalid.value.form.errors == {"every_months": [message]}
    saved = save_record(plan=plan, question=question, data=cycle("12"), user=owner)
    assert saved.record.every_months == 12


def test_other_digits_are_refused_beside_their_cell_on_the_page(client, plan, owner, tiers):
    client.force_login(owner)
    url = reverse("plans:record_add", args=[plan.pk, "strategic-planning", "price_tiers"])
    data = {f"price_tiers-new-{k}": v for k, v in price_tier_data(price="٢٤٥").items()}
    content = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "The price tier was not added: see the messages beside its cells." in content
    assert "has digits other than 0 to 9: type the number with 0 to 9, such as 120." in content


def test_a_stale_row_change_from_the_page_is_refused_in_its_status(client, plan, owner, tiers):
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    save_record(
        plan=plan,
        question=tiers,
        data=price_tier_data(price="250.00"),
        user=owner,
        record_id=row.pk,
        base_revision=1,
    )
    client.force_login(owner)
    url = reverse(
        "plans:record_change", args=[plan.pk, "strategic-planning", "price_tiers", row.pk]
    )
    prefix = f"price_tiers-{row.pk}"
    data = {f"{prefix}-{k}": v for k, v in price_tier_data(price="1.00").items()}
    data[f"{prefix}-revision"] = "1"
    content = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "Olivia Owner changed this price tier at" in content
    row.refresh_from_db()
    assert row.price == 250


def test_row_cells_are_escaped_on_the_page(client, plan, owner, tiers):
    save_record(
        plan=plan, question=tiers, data=price_tier_data(name="<script>x</script>"), user=owner
    )
    client.force_login(owner)
    content = client.get(reverse("plans:phase", args=[plan.pk, "strategic-planning"]))
    assert b"<script>x</script>" not in content.content
    assert b"&lt;script&gt;x&lt;/script&gt;" in content.content


def test_cell_text_formats_dates_and_money(plan, tiers, owner):
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    columns = {c.heading: c for c in REGISTRY["planning.price_tiers"].column_list()}
    assert row.valid_from == datetime.date(2027, 9, 1)
    assert cell_text(row, columns["Price"]) == "245.00 USD"


def _newer_version(plan, *, drop_key=None):
    draft = create_draft(source=plan.template_version)
    if drop_key:
        draft.questions.filter(key=drop_key).delete()
    return publish_version(version=draft)


def test_rows_follow_their_question_to_a_newer_version(plan, tiers, owner):
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    newer = _newer_version(plan)
    move = move_plan_to_version(plan=plan, version=newer, user=owner)
    row.refresh_from_db()
    assert row.question.version == newer and row.question.key == "price_tiers"
    assert [c.question.key for c in move.carried_answers if c.question.key == "price_tiers"]
    plan.refresh_from_db()
    assert archived_answers(plan) == []


def test_rows_of_a_question_the_newer_version_drops_stay_under_archived_answers(
    client, plan, tiers, owner
):
    save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner)
    newer = _newer_version(plan, drop_key="price_tiers")
    move = move_plan_to_version(plan=plan, version=newer, user=owner)
    assert [a.reason for a in move.archived] == [
        f"Version {newer.number} does not ask this question."
    ]
    plan.refresh_from_db()
    archived = archived_answers(plan)
    assert [item.question.key for item in archived] == ["price_tiers"]
    assert [row.name for row in archived[0].record_set.rows] == ["Member"]
    client.force_login(owner)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "Archived answers" in content and "245.00 USD" in content


def test_the_pdf_prints_every_table_with_its_rows(plan, owner):
    answer_conditions_yes(plan, owner)
    fill_referenced_tables(plan, owner)
    text = pdf_text(html_to_pdf(render_plan_html(plan=plan)).content)
    for name in RECORD_TYPES:
        question = question_for(plan, name)
        table = record_tables(plan, [question])[question.pk]
        first_cell = next(text for _, text in table.body[0][1] if text)
        # The PDF's text breaks long cells over lines: compare words.
        assert " ".join(first_cell.split()[:3]) in text, (name, first_cell)
        for column in table.columns:
            assert column.heading.split()[0] in text, (name, column.heading)


@pytest.mark.parametrize("record_type_name", RECORD_TYPES)
def test_a_removed_row_of_each_type_shows_in_the_changes(demo_plan, record_type_name):
    plan, owner = demo_plan, demo_plan.created_by
    question = question_for(plan, record_type_name)
    rows = list(REGISTRY[record_type_name].model.objects.filter(plan=plan, question=question))
    since = timezone.now()
    last = rows[-1]
    delete_record(plan=plan, question=question, record_id=last.pk, user=owner)
    changes = row_changes_since(plan=plan, question=question, since=since)
    assert [(c.action, c.row) for c in changes] == [("removed", str(last))]


def test_every_table_follows_its_question_to_a_newer_version(plan, owner):
    fill_referenced_tables(plan, owner)
    counts = {name: REGISTRY[name].model.objects.filter(plan=plan).count() for name in RECORD_TYPES}
    newer = _newer_version(plan)
    move_plan_to_version(plan=plan, version=newer, user=owner)
    for name in RECORD_TYPES:
        moved = REGISTRY[name].model.objects.filter(plan=plan, question__version=newer)
        assert moved.count() == counts[name] > 0, name


def test_without_javascript_deleting_a_row_asks_first(client, plan, owner, tiers):
    row = save_record(plan=plan, question=tiers, data=price_tier_data(), user=owner).record
    client.force_login(owner)
    url = reverse(
        "plans:record_delete", args=[plan.pk, "strategic-planning", "price_tiers", row.pk]
    )
    content = client.get(url).content.decode()
    assert '<h1 class="h2">Delete the price tier “Member”?</h1>' in content
    assert REGISTRY["planning.price_tiers"].model.objects.filter(pk=row.pk).exists()
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Deleted the price tier “Member”."]
    assert not REGISTRY["planning.price_tiers"].model.objects.filter(pk=row.pk).exists()


PHASE_SLUGS = [
    "strategic-planning",
    "marketing",
    "operational-considerations",
    "design-and-development",
    "delivery",
    "maintenance",
]


@pytest.mark.parametrize("phase_slug", PHASE_SLUGS)
def test_every_phase_page_reads_a_constant_number_of_queries_whatever_its_rows(
    client, plan, owner, phase_slug, django_assert_num_queries
):
    client.force_login(owner)
    url = reverse("plans:phase", args=[plan.pk, phase_slug])
    fill_referenced_tables(plan, owner)
    phase_types = [
        name
        for name, record_type in REGISTRY.items()
        if apps.get_app_config(record_type.app_label).phase_slug == phase_slug
        and not record_type.single_row
    ]
    client.get(url)  # what a first visit makes once (the review calendar's link)
    cache.clear()
    with CaptureQueriesContext(connection) as with_demo_rows:
        client.get(url)
    rows_before = {
        name: REGISTRY[name].model.objects.filter(plan=plan).count() for name in phase_types
    }
    for name in phase_types:
        for index in range(3):
            add_demo_row(plan, name, owner, index % len(demo_rows(name)))
    assert all(
        REGISTRY[name].model.objects.filter(plan=plan).count() >= max(3, rows_before[name] + 3)
        for name in phase_types
    )
    cache.clear()
    with django_assert_num_queries(len(with_demo_rows.captured_queries)):
        client.get(url)
    # And from the cache, whatever the page holds: the session, the user, the plan.
    with django_assert_num_queries(3):
        client.get(url)
