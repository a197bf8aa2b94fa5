"""The Django side of benchmarks/editing.py, run with Django set up against the benchmark's
databases: `python -m benchmarks.editing_setup app` (the application's settings) or
`... bare` (the bare app's). It prints, as JSON, what each simulated editor saves (its
"editor": the path it posts to, the body, the hidden input its response names the new
revision in, and the SQL that reads its revision) and how many queries one of each of
their requests makes, counted in-process through Django's test client.
"""

import json
import sys
from typing import Any
from urllib.parse import quote_plus, urlencode

import django

EDITORS = 16
PLANNING = "strategic-planning"
# What each save appends to the text it changes, with its revision: each save changes the
# text, so none is an unchanged save (which stores nothing).
EDIT_MARK = " · edit "
REVISION = "{rev}"  # which benchmarks/editing.lua replaces with the revision
TEXT_KINDS = ("long_text", "short_text")


def editor(
    *,
    path: str,
    text_name: str,
    text: str,
    revision_name: str,
    revision_input: str,
    saved_in,
    fields: dict[str, list[str]] | None = None,
) -> dict:
    """One editor: posts `fields` as they are and `text_name`'s text with an edit mark."""
    edited = quote_plus(text.split(EDIT_MARK)[0] + EDIT_MARK) + REVISION
    body = urlencode(fields or {}, doseq=True)
    body += f"&{quote_plus(text_name)}={edited}&{quote_plus(revision_name)}={REVISION}"
    return {
        "path": path,
        "body": body.lstrip("&"),
        "revision_input": revision_input,
        "revision_of": [saved_in._meta.db_table, saved_in.pk],
    }


def stored_revision(editor: dict) -> int:
    from django.apps import apps

    table, pk = editor["revision_of"]
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return model._default_manager.values_list("revision", flat=True).get(pk=pk)


def post(client, editor: dict, revision: int):
    """Save as the editor does, from `revision`, with htmx's header."""
    response = client.post(
        editor["path"],
        editor["body"].replace(REVISION, str(revision)),
        content_type="application/x-www-form-urlencoded",
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    if response.status_code != 200 or "Not saved" in content:
        raise RuntimeError(f"{editor['path']} did not save:\n{content[:2000]}")
    return response


def queries_of(request) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries)


def row_form_data(form) -> dict[str, list[str]]:
    """What a row's cells send unchanged, as its phase page shows them."""
    from django import forms

    data = {}
    for bound in form:
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                data[bound.html_name] = ["on"]
            continue
        shown = widget.format_value(value)
        if isinstance(shown, list):
            multiple = isinstance(widget, forms.SelectMultiple)
            data[bound.html_name] = [str(v) for v in shown] or ([] if multiple else [""])
        else:
            data[bound.html_name] = ["" if shown is None else str(shown)]
    return data


def first_text_cell(form) -> str | None:
    """The row's first filled one-line text cell: what its editor changes."""
    from django import forms

    for bound in form.visible_fields():
        if type(bound.field) is forms.CharField and bound.value():
            return bound.name
    return None


def application() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from benchmarks.serving import DEMO_OWNER, log_in_demo_owner
    from microcred.plans.models import Answer, Plan
    from microcred.plans.selectors import hidden_questions
    from microcred.records.registry import record_tables

    owner = log_in_demo_owner()
    plan = Plan.objects.get(pk=owner["plan_id"])
    hidden = hidden_questions(plan)

    def answer_editor(answer) -> dict:
        key = answer.question.key
        return editor(
            path=reverse("plans:autosave_answer", args=[plan.pk, answer.question.phase.slug, key]),
            text_name=key,
            text=answer.value,
            revision_name=f"{key}__revision",
            revision_input=f"{key}__revision",
            saved_in=answer,
        )

    answers = (
        Answer.objects.filter(plan=plan, question__kind__in=TEXT_KINDS)
        .exclude(question_id__in=hidden)
        .select_related("question__phase")
        .order_by("question__phase__order", "question__order")
    )
    answer_editors: dict[str, list[dict]] = {}
    for answer in answers:
        if isinstance(answer.value, str) and answer.value:
            answer_editors.setdefault(answer.question.phase.slug, []).append(answer_editor(answer))

    planning = plan.template_version.phases.get(slug=PLANNING)
    row_editors, row_names = [], []
    for table in record_tables(plan, planning.questions.order_by("order")).values():
        for row in table.rows:
            form = table.row_form(row, plan=plan)
            cell = first_text_cell(form)
            if cell is None:
                continue
            fields = row_form_data(form)
            prefix = f"{table.key}-{row.pk}"
            text = fields.pop(f"{prefix}-{cell}")[0]
            path = reverse("plans:record_change", args=[plan.pk, PLANNING, table.key, row.pk])
            row_editors.append(
                editor(
                    path=path,
                    fields=fields,
                    text_name=f"{prefix}-{cell}",
                    text=text,
                    revision_name=f"{prefix}-revision",
                    revision_input=f"{prefix}-revision",
                    saved_in=row,
                )
            )
            row_names.append(f"{table.record_type.row_name}: {cell}")
    row_editors, row_names = row_editors[:EDITORS], row_names[:EDITORS]

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=DEMO_OWNER))
    page_paths = {slug: reverse("plans:phase", args=[plan.pk, slug]) for slug in answer_editors}

    def queries_of_save(one_editor: dict) -> int:
        revision = stored_revision(one_editor)
        return queries_of(lambda: post(client, one_editor, revision))

    page_queries = {}
    for slug, editors in answer_editors.items():
        queries_of_save(editors[0])
        page_queries[slug] = queries_of(lambda slug=slug: client.get(page_paths[slug]))
    row_queries: dict[str, int] = {}
    for one_editor, name in zip(row_editors, row_names, strict=True):
        if name not in row_queries:
            row_queries[name] = queries_of_save(one_editor)
    return {
        "session_key": owner["session_key"],
        "answer_editors": answer_editors,
        "row_editors": row_editors,
        "row_editors_named": sorted(set(row_names), key=row_names.index),
        "page_paths": page_paths,
        "phase_titles": dict(plan.template_version.phases.values_list("slug", "title")),
        "queries": {
            "answer save": queries_of_save(answer_editors[PLANNING][0]),
            "row save": row_queries,
            "page after a save": page_queries,
        },
    }


def bare() -> dict[str, Any]:
    from django.test import Client

    from benchmarks.bare.models import Note

    editors = [
        editor(
            path=f"/notes/{note.pk}/",
            text_name="text",
            text=note.text,
            revision_name="revision",
            revision_input=f"note-{note.pk}-revision",
            saved_in=note,
        )
        for note in Note.objects.order_by("pk")[:EDITORS]
    ]
    client = Client(SERVER_NAME="127.0.0.1")
    revision = stored_revision(editors[0])
    return {
        "editors": editors,
        "page_path": "/",
        "queries": {
            "write": queries_of(lambda: post(client, editors[0], revision)),
            "page": queries_of(lambda: client.get("/")),
        },
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps(application() if sys.argv[1:] == ["app"] else bare()))
