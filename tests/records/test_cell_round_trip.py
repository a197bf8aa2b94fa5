"""Every cell of every table shows what is stored, so that saving a row as its page shows
it changes nothing: a ticked box shown unticked was refused (a cost line "Every year"),
any cell shown other than as stored would be changed by the next edit of its row."""

import pytest
from django.forms.models import model_to_dict
from django.template.loader import render_to_string

from microcred.plans.record_rows import save_record
from microcred.plans.views.records import record_set_context
from microcred.records.cells import cell_input
from microcred.records.registry import REGISTRY, record_tables
from tests.factories import record_set_question_in
from tests.planning.records_helpers import make_row

from .sent_forms import form_data_as_sent

pytestmark = pytest.mark.django_db


def stored(row) -> dict:
    values = model_to_dict(type(row).objects.get(pk=row.pk))
    return {
        name: sorted(v.pk for v in value) if isinstance(value, list) else value
        for name, value in values.items()
    } | {"revision": row.revision}


def cell_kind(field) -> str:
    return f"{type(field.field).__name__} in {type(field.field.widget).__name__}"


def unfilled_cell_kinds(table) -> set[str]:
    """The kinds of cell of the row form that no row of the table fills: a round trip of
    an empty cell proves nothing of its kind."""
    kinds: dict[str, bool] = {}
    for field in table.row_form(plan=table.rows[0].plan).visible_fields():
        filled = any(
            model_to_dict(row).get(field.name) not in (None, "", False, []) for row in table.rows
        )
        kinds[cell_kind(field)] = kinds.get(cell_kind(field), False) or filled
    return {kind for kind, filled in kinds.items() if not filled}


@pytest.mark.parametrize("record_type_name", sorted(REGISTRY))
def test_a_row_saved_as_its_page_shows_it_is_unchanged(demo_plan, record_type_name):
    plan = demo_plan
    question = record_set_question_in(plan.template_version, record_type_name)
    table = record_tables(plan, [question])[question.pk]
    assert table.rows, f"the demo plan has no {record_type_name} rows"
    assert unfilled_cell_kinds(table) == set()
    page = render_to_string(
        "plans/records/_editor.html", record_set_context(plan, table, editable=True)
    )
    history = type(table.rows[0]).history.filter(plan=plan).count()
    for row in table.rows:
        before = stored(row)
        prefix = f"{question.key}-{row.pk}"
        data = form_data_as_sent(page, f"rowform-{prefix}")
        result = save_record(
            plan=plan,
            question=question,
            data=data,
            user=plan.created_by,
            record_id=row.pk,
            base_revision=int(data[f"{prefix}-revision"]),
            prefix=prefix,
        )
        assert result.changed is False, f"{row}: {dict(data)}"
        assert stored(row) == before
    assert type(table.rows[0]).history.filter(plan=plan).count() == history


def test_a_ticked_box_shows_ticked_and_an_unticked_one_not(plan):
    cost_lines = REGISTRY["planning.cost_lines"]
    question = record_set_question_in(plan.template_version, cost_lines.name)
    line = {"category": "yearly_running", "amount": "100.00", "currency": "USD"}
    every_year = make_row(
        cost_lines.model, plan=plan, question=question, item="Fees", every_year=True, **line
    )
    once = make_row(cost_lines.model, plan=plan, question=question, item="Set-up", year=1, **line)
    table = record_tables(plan, [question])[question.pk]
    boxes = {row.pk: form["every_year"] for row, form in table.editor_forms(plan)}

    def box(row, number, ticked):
        return (
            f'<input name="cost_lines-{row.pk}-every_year" form="rowform-cost_lines-{row.pk}" '
            f'aria-label="Every year, cost line {number}" class="form-check-input" '
            f'id="id_cost_lines-{row.pk}-every_year" type="checkbox"{ticked}>'
        )

    assert cell_input(boxes[every_year.pk]) == box(every_year, 1, " checked")
    assert cell_input(boxes[once.pk]) == box(once, 2, "")
