"""Rows for record tests: made directly, or typed into their forms as the demo plan's are."""

from pathlib import Path

import yaml
from django import forms
from django.apps import apps
from django.utils import timezone

from microcred.plans.record_sets import REGISTRY


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


def form_data(form_class, data: dict, *, plan) -> dict:
    """A demo row as its form posts it: other rows, named by their `__str__`, become ids."""
    posted = dict(data)
    for name, form_field in form_class.base_fields.items():
        if name not in posted or not isinstance(form_field, forms.ModelChoiceField):
            continue
        ids = {str(row): row.pk for row in form_field.queryset.model.objects.filter(plan=plan)}
        value = posted[name]
        posted[name] = [ids[v] for v in value] if isinstance(value, list) else ids[value]
    return posted


def load_demo_rows(*, plan, app_label: str, record_set_question) -> dict[str, list]:
    """Every row of the app's demo_records.yaml saved through its form, which must take
    each one as valid; the rows by table."""
    path = Path(apps.get_app_config(app_label).path) / "demo_records.yaml"
    saved: dict[str, list] = {}
    for table, rows in yaml.safe_load(path.read_text()).items():
        record_type = REGISTRY[f"{app_label}.{table}"]
        question = record_set_question(record_type.name)
        for position, data in enumerate(rows):
            form = record_type.form(
                form_data(record_type.form, data, plan=plan),
                plan=plan,
                instance=record_type.model(plan=plan, question=question),
            )
            assert form.is_valid(), (table, data, form.errors.get_json_data())
            row = form.save(commit=False)
            row.position, row.updated_at = position, timezone.now()
            row.save()
            form.save_m2m()
            saved.setdefault(table, []).append(row)
    return saved
