"""Rows for record tests: made directly, or typed into their forms as the demo plan's are."""

from pathlib import Path

import yaml
from django.apps import apps
from django.utils import timezone

from microcred.demo.services import demo_form_data
from microcred.plans.record_rows import save_record
from microcred.records.registry import REGISTRY


def make_row(model, *, plan, question, **fields):
    return model.objects.create(plan=plan, question=question, updated_at=timezone.now(), **fields)


def unsaved(model, *, plan, question, **fields):
    """A row as a service would validate it, before it is saved."""
    return model(
        plan=plan,
        question=question,
        updated_by=plan.created_by,
        updated_at=timezone.now(),
        **fields,
    )


def save_demo_rows(*, plan, app_label: str, question_for=None) -> dict[str, list]:
    """Every row of the app's demo_records.yaml saved through its form, in the record-set
    question of the plan's version, as the demo plan's are: an invalid row raises
    InvalidRecord with the form's errors. The saved rows by table. `question_for(name)`
    gives the question of a record type the version may not ask yet (the
    `record_set_question` fixture)."""
    path = Path(apps.get_app_config(app_label).path) / "demo_records.yaml"
    saved: dict[str, list] = {}
    for table, rows in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        record_type = REGISTRY[f"{app_label}.{table}"]
        if question_for is None:
            question = plan.template_version.questions.get(record_type=record_type.name)
        else:
            question = question_for(record_type.name)
        saved[table] = [
            save_record(
                plan=plan,
                question=question,
                data=demo_form_data(record_type, plan, row),
                user=plan.created_by,
            ).record
            for row in rows
        ]
    return saved
