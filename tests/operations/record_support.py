"""What the operations and design record tests share: the record-set question of a table
and saving an app's demo rows through their forms."""

from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.db.models import Max
from django.utils import timezone

from microcred.plans.record_sets import record_type_named


@pytest.fixture
def table_question(template_version, record_set_question):
    """`make(record_type)`: like `record_set_question`, but where a narrative question of
    the default template already has the table's key (key_personnel, assessment_design),
    the record-set question is keyed "<table>_rows"."""

    def make(record_type: str):
        table = record_type.partition(".")[2]
        narrative = template_version.questions.filter(key=table).exclude(record_type=record_type)
        if (
            narrative.exists()
            and not template_version.questions.filter(record_type=record_type).exists()
        ):
            phase = narrative.get().phase
            last = phase.questions.aggregate(last=Max("order"))["last"]
            return phase.questions.create(
                version=template_version,
                key=f"{table}_rows",
                order=last + 1,
                text=f"Your {table.replace('_', ' ')}",
                kind="record_set",
                record_type=record_type,
            )
        return record_set_question(record_type)

    return make


def save_demo_rows(*, plan, app_label: str, question_for) -> dict[str, list]:
    """Every row of `<app>/demo_records.yaml` saved through its form, a foreign key or
    many-to-many value naming the other row by its text; `question_for(record_type)`
    gives the row's question. Fails on the first invalid row, with the form's errors."""
    path = Path(apps.get_app_config(app_label).path) / "demo_records.yaml"
    saved: dict[str, list] = {}
    for table, rows in yaml.safe_load(path.read_text()).items():
        record_type = record_type_named(f"{app_label}.{table}")
        assert record_type is not None, f"{app_label}.{table} is not a record type"
        foreign, many = record_type.related_names()
        question = question_for(record_type.name)
        saved[table] = []
        for position, row in enumerate(rows):
            data = dict(row)
            for name in foreign + many:
                if name in data:
                    data[name] = resolve_names(record_type.model, name, data[name], plan)
            form = record_type.form(data, plan=plan)
            assert form.is_valid(), f"{table} row {position + 1}: {form.errors.as_json()}"
            record = form.save(commit=False)
            record.plan, record.question, record.position = plan, question, position
            record.updated_at = timezone.now()
            record.save()
            form.save_m2m()
            saved[table].append(record)
    return saved


def resolve_names(model, field_name: str, names, plan):
    """The primary key(s) of the plan's rows that the names name."""
    related = model._meta.get_field(field_name).related_model
    by_name = {str(row): row.pk for row in related.objects.filter(plan=plan)}
    if isinstance(names, list):
        return [by_name[name] for name in names]
    return by_name[names]
