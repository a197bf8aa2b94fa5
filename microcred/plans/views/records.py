"""The views that change a record set's rows from its phase page: add, change, delete and
move one row. With htmx each returns the part of the page it changed; without JavaScript
each form posts on its own and the page comes back with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from microcred.questionnaires.models import Question
from microcred.records.registry import (
    phase_record_questions,
    record_tables,
    record_type_named,
    tables_choosing_from,
)
from microcred.records.types import RecordTable

from ..permissions import plan_access_or_404
from ..record_rows import (
    InvalidRecord,
    RecordConflict,
    RecordRefused,
    RecordsLocked,
    delete_record,
    move_record,
    record_type_of,
    save_record,
)
from ..selectors import phase_question_or_404, plans_with_version


def _record_question(request, plan_id, phase_slug, question_key):
    """The plan (its writer's access checked) and one of its phase's record-set questions
    (None when the phase has no such table)."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    access.require_writer()
    plan = access.plan
    question = phase_question_or_404(plan, phase_slug, question_key)
    if (
        question is None
        or question.kind != Question.Kind.RECORD_SET
        or record_type_named(question.record_type) is None
    ):
        return plan, None
    return plan, question


def _table(plan, question) -> RecordTable:
    """The question's whole table, as it is now."""
    return record_tables(plan, [question], on_page=phase_record_questions(question))[question.pk]


def refreshed_lists(plan, question) -> str:
    """Out of band, the lists of the phase's other tables that offer the rows of
    `question`'s table, as they are now: the candidate forecast's price tiers offer a
    tier as soon as it is added, without a reload."""
    cells = []
    for table in tables_choosing_from(plan, question):
        context = record_set_context(plan, table, editable=True)
        row_forms = [form for _, form in context["row_forms"]]
        if context["new_form"] is not None:
            row_forms.append(context["new_form"])
        cells += table.cells_listing(question.key, row_forms)
    return "".join(cells)


def _one_row(plan, question, record_id) -> RecordTable:
    """The question's table holding only the row `record_id` (none when it is gone): what
    a change of one row needs, without reading the others."""
    record_type = record_type_of(question)
    row = record_type.rows_of(plan, [question.pk]).filter(pk=record_id).first()
    return RecordTable(record_type=record_type, question=question, rows=[row] if row else [])


def _only_row(table):
    return table.rows[0] if table.rows else None


def _back_to_table(plan, question):
    url = reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": question.phase.slug})
    return redirect(f"{url}#rs-{question.key}")


def render_record_set(request, plan, table, *, new_form=None, message="") -> str:
    """The whole editable table of one record set, and its rows' form elements (an
    out-of-band swap: they live outside the page's answers form)."""
    context = record_set_context(plan, table, editable=True, new_form=new_form)
    context["message"] = message
    return render_to_string("plans/records/_editor.html", context, request) + render_to_string(
        "plans/records/_row_forms.html", {**context, "oob": True}, request
    )


def record_set_context(plan, table, *, editable, new_form=None) -> dict:
    record_type = table.record_type
    can_add = len(table.rows) < (1 if record_type.single_row else record_type.max_rows)
    row_forms = table.editor_forms(plan) if editable else []
    new_form = (new_form or table.row_form(plan=plan)) if editable and can_add else None
    headings = []
    if editable:
        headings = [field.label for field in (new_form or row_forms[0][1]).visible_fields()]
    return {
        "plan": plan,
        "record_set": table,
        "editable": editable,
        "row_forms": row_forms,
        "new_form": new_form,
        "headings": headings,
        "phase_slug": table.question.phase.slug,
    }


def _table_response(request, plan, question, message, *, error=False):
    """After a row was added, deleted or refused: with htmx the whole table again, with
    the message under it (and, after a change, the other tables' lists of its rows);
    without, the page with the message at the top."""
    if request.htmx:
        table = render_record_set(request, plan, _table(plan, question), message=message)
        return HttpResponse(table if error else table + refreshed_lists(plan, question))
    (messages.error if error else messages.success)(request, message)
    return _back_to_table(plan, question)


def _no_such_table(question_key):
    return HttpResponseBadRequest(f"This phase has no table “{question_key}”.")


@login_required
@require_POST
def record_add(request, plan_id, phase_slug, question_key):
    plan, question = _record_question(request, plan_id, phase_slug, question_key)
    if question is None:
        return _no_such_table(question_key)
    row_name = record_type_of(question).row_name
    try:
        save_record(
            plan=plan,
            question=question,
            data=request.POST,
            user=request.user,
            prefix=f"{question.key}-new",
        )
    except InvalidRecord as invalid:
        if request.htmx:
            table = _table(plan, question)
            return HttpResponse(
                render_record_set(
                    request,
                    plan,
                    table,
                    new_form=_labelled(table, invalid.form, plan),
                    message=f"The {row_name} was not added: see the messages beside its cells.",
                )
            )
        messages.error(request, f"The {row_name} was not added: {invalid}")
        return _back_to_table(plan, question)
    except (RecordRefused, RecordsLocked) as refusal:
        return _table_response(request, plan, question, str(refusal), error=True)
    return _table_response(request, plan, question, f"Added the {row_name}.")


def _labelled(table, form, plan):
    """A bound form, with the labels and form attributes of the table's new row."""
    labelled = table.row_form(plan=plan, data=form.data)
    labelled._errors = form.errors
    return labelled


@login_required
@require_POST
def record_change(request, plan_id, phase_slug, question_key, record_id):
    plan, question = _record_question(request, plan_id, phase_slug, question_key)
    if question is None:
        return _no_such_table(question_key)
    prefix = f"{question.key}-{record_id}"
    try:
        base_revision = int(request.POST.get(f"{prefix}-revision", ""))
    except ValueError:
        return HttpResponseBadRequest("The row's revision is missing: reload the page.")
    try:
        result = save_record(
            plan=plan,
            question=question,
            data=request.POST,
            user=request.user,
            record_id=record_id,
            base_revision=base_revision,
            prefix=prefix,
        )
    except InvalidRecord as invalid:
        table = _one_row(plan, question, record_id)
        return _row_status(
            request, plan, table, _only_row(table), revision=base_revision, form=invalid.form
        )
    except (RecordRefused, RecordsLocked) as refusal:
        if isinstance(refusal, RecordConflict) and refusal.record is None:
            return _table_response(request, plan, question, str(refusal), error=True)
        table = _one_row(plan, question, record_id)
        return _row_status(
            request, plan, table, _only_row(table), revision=base_revision, error=str(refusal)
        )
    table = RecordTable(record_type=record_type_of(question), question=question, rows=[])
    return _row_status(
        request, plan, table, result.record, revision=result.record.revision, saved=result.changed
    )


def _row_status(request, plan, table, row, *, revision, form=None, error="", saved=False):
    """What a change of one row returns: its status line (with the revision its next
    change starts from) and, out of band, the message beside each of its cells."""
    if not request.htmx:
        if form is not None or error:
            messages.error(request, error or f"Not saved: {InvalidRecord(form)}")
        else:
            messages.success(request, f"Saved the {table.record_type.row_name}.")
        return _back_to_table(plan, table.question)
    if form is None:
        form = table.row_form(row, plan=plan)
    elif not error:
        error = "Not saved: see the messages beside the cells."
    lists = refreshed_lists(plan, table.question) if saved else ""
    return HttpResponse(
        lists
        + render_to_string(
            "plans/records/_row_status.html",
            {
                "record_set": table,
                "row": row,
                "form": form,
                "revision": revision,
                "error": error
                or ("Not saved: see the messages beside the cells." if form.errors else ""),
                "saved": saved,
                "oob_errors": True,
            },
            request,
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_delete(request, plan_id, phase_slug, question_key, record_id):
    """Delete one row. With htmx the page asks first; without JavaScript the Delete button
    leads here (GET), to a page that asks before its button posts."""
    plan, question = _record_question(request, plan_id, phase_slug, question_key)
    if question is None:
        return _no_such_table(question_key)
    row_name = record_type_of(question).row_name
    if request.method == "GET":
        table = _one_row(plan, question, record_id)
        if not table.rows:
            messages.error(request, f"This {row_name} was deleted already.")
            return _back_to_table(plan, question)
        return render(
            request,
            "plans/records/delete_row.html",
            {"plan": plan, "record_set": table, "row": table.rows[0], "phase": question.phase},
        )
    try:
        deleted = delete_record(
            plan=plan, question=question, record_id=record_id, user=request.user
        )
    except (RecordRefused, RecordsLocked) as refusal:
        return _table_response(request, plan, question, str(refusal), error=True)
    return _table_response(request, plan, question, f"Deleted the {row_name} “{deleted}”.")


@login_required
@require_POST
def record_move(request, plan_id, phase_slug, question_key, record_id):
    plan, question = _record_question(request, plan_id, phase_slug, question_key)
    if question is None:
        return _no_such_table(question_key)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        return HttpResponseBadRequest("Move a row “up” or “down”.")
    try:
        move_record(plan=plan, question=question, record_id=record_id, step=step, user=request.user)
    except (RecordRefused, RecordsLocked) as refusal:
        return _table_response(request, plan, question, str(refusal), error=True)
    if request.htmx:
        return HttpResponse(
            render_record_set(request, plan, _table(plan, question), message="Moved.")
            + refreshed_lists(plan, question)
        )
    return _back_to_table(plan, question)
