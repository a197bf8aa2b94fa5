"""CSV downloads across the plans a person may see: their answers, and each record type's
rows. Streamed a batch of plans at a time (see plan_csv.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from microcred.records.registry import record_type_named

from .plan_csv import (
    ANSWER_HEADER,
    answer_rows_by_plan,
    answers_filename,
    csv_chunks,
    record_rows_by_plan,
    record_type_filename,
    record_type_header,
)


def _csv_response(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def answers_csv(request):
    chunks = csv_chunks(ANSWER_HEADER, answer_rows_by_plan(user=request.user))
    return _csv_response(chunks, answers_filename(timezone.localdate()))


@login_required
@require_GET
def record_type_csv(request, record_type):
    found = record_type_named(record_type)
    if found is None:
        raise Http404("No such record type.")
    chunks = csv_chunks(
        record_type_header(found), record_rows_by_plan(user=request.user, record_type=found)
    )
    return _csv_response(chunks, record_type_filename(found, timezone.localdate()))
