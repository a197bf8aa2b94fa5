"""The API's record rows: the rows of one record-set question of a plan, read by whoever
reads the plan and changed by its writers through the services the phase pages use
(plans.record_rows), with the same rules and messages."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.plans.models import Plan
from microcred.plans.permissions import plan_access_or_404
from microcred.plans.record_rows import (
    InvalidRecord,
    RecordConflict,
    RecordRefused,
    RecordsLocked,
    delete_record,
    move_record,
    record_type_of,
    save_record,
)
from microcred.plans.selectors import plans_with_version
from microcred.questionnaires.models import Question
from microcred.records.models import CURRENCY, PlanRecord
from microcred.records.types import RecordType
from microcred.transfer.plan_json import row_fields

from .errors import ErrorSerializer, InvalidDataSerializer, RevisionConflictSerializer
from .record_serializers import (
    RecordTableSerializer,
    RowChangeSerializer,
    RowCreateSerializer,
    RowDeleteSerializer,
    RowMoveSerializer,
    RowSerializer,
    form_data,
    invalid_row_body,
    row_data,
)
from .refusals import stale_write

REVISION_NEEDED = (
    "Send the revision the change starts from (“revision”, or an If-Match header), so "
    "that a change made meanwhile is not overwritten."
)
IF_MATCH_UNKNOWN = "If-Match names no revision of this row: send its ETag."
# A revision is at most ten digits (an ETag longer than that names none).
ETAG_DIGITS_MAX = 10

QUESTION_KEY = OpenApiParameter(
    "question_key",
    str,
    OpenApiParameter.PATH,
    description="The key of a record-set question of the plan's template version.",
)
ROW_ID = OpenApiParameter("row_id", int, OpenApiParameter.PATH, description="The row's id.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The row's ETag, as a GET gave it: the revision the change starts from.",
)
ERRORS: dict[int | str, Any] = {
    401: OpenApiResponse(ErrorSerializer, description="No credentials, or a refused token."),
    403: OpenApiResponse(
        ErrorSerializer, description="A read-only token, or one who may read but not write."
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description="No such plan (or one you may not see), question, table or row.",
    ),
}
INVALID = OpenApiResponse(InvalidDataSerializer, description="Data the row's form refuses.")
REFUSED = OpenApiResponse(
    RevisionConflictSerializer,
    description="The plan's answers are locked (in review, approved, archived), the table "
    "is full or holds one row, its order means nothing; or the row changed since the "
    "revision sent (with who changed it and when).",
)
STALE_IF_MATCH = OpenApiResponse(
    RevisionConflictSerializer, description="The row changed since the If-Match ETag."
)
CHANGE_RESPONSES = {
    200: RowSerializer,
    400: INVALID,
    **ERRORS,
    409: REFUSED,
    412: STALE_IF_MATCH,
}


def _table_of(request: Request, plan_id: int, question_key: str, *, writing: bool = False):
    """The plan (404 for one the user may not see; 403 for a change by one who may only
    read it, as on the phase pages), its record-set question `question_key` and its record
    type (404 when it has no such question, or the question holds no table)."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    if writing:
        access.require_writer()
    plan = access.plan
    question = Question.objects.filter(
        version_id=plan.template_version_id, key=question_key
    ).first()
    if question is None:
        raise NotFound(f"This plan has no question “{question_key}”.")
    try:
        record_type = record_type_of(question)
    except RecordRefused as refusal:
        raise NotFound(str(refusal)) from None
    return plan, question, record_type


def _row_or_404(plan: Plan, question: Question, record_type: RecordType, row_id: int):
    row = record_type.rows_of(plan, [question.pk]).filter(pk=row_id).first()
    if row is None:
        raise NotFound(f"No such {record_type.row_name} in this table.")
    return row


def _table_body(plan: Plan, question: Question, record_type: RecordType) -> dict:
    rows = list(record_type.rows_of(plan, [question.pk]).order_by("position", "pk"))
    return {
        "question_key": question.key,
        "record_type": record_type.name,
        "label": record_type.label,
        "row_name": record_type.row_name,
        "ordered": record_type.ordered,
        "max_rows": record_type.most_rows,
        "field_names": [model_field.name for model_field in row_fields(record_type)],
        "rows": row_data(record_type, rows),
    }


def _row_response(record_type: RecordType, row: PlanRecord, **options: Any) -> Response:
    response = Response(RowSerializer(row_data(record_type, [row])[0]).data, **options)
    response["ETag"] = f'"{row.revision}"'
    return response


def _base_revision(request: Request, sent: int | None, row: PlanRecord) -> tuple[int, bool]:
    """The revision a change starts from, and whether If-Match named it (a stale one is
    then a 412, not a 409). If-Match: * is the row's revision now."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
        if tag == "*":
            return row.revision, True
        if not tag.isdigit() or len(tag) > ETAG_DIGITS_MAX:
            raise PreconditionFailed(IF_MATCH_UNKNOWN)
        return int(tag), True
    if sent is None:
        raise serializers.ValidationError({"revision": [REVISION_NEEDED]})
    return sent, False


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED


def _refused(refusal: RecordRefused | RecordsLocked, *, if_match: bool) -> Response:
    """A service's refusal: the row gone (404), changed meanwhile (409, or 412 after
    If-Match, with who changed it and when), or the table or plan refusing (409)."""
    if isinstance(refusal, RecordConflict):
        record = refusal.record
        if record is None:
            return Response({"detail": str(refusal)}, status=status.HTTP_404_NOT_FOUND)
        return stale_write(record, refusal.row_name, if_match=if_match)
    return Response({"detail": str(refusal)}, status=status.HTTP_409_CONFLICT)


@extend_schema(tags=["records"], parameters=[QUESTION_KEY])
class RecordRows(APIView):
    """The rows of one record-set question of the plan, in order."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="record_rows_list", responses={200: RecordTableSerializer, **ERRORS}
    )
    def get(self, request, pk: int, question_key: str):
        plan, question, record_type = _table_of(request, pk, question_key)
        return Response(RecordTableSerializer(_table_body(plan, question, record_type)).data)

    @extend_schema(
        operation_id="record_row_create",
        request=RowCreateSerializer,
        responses={201: RowSerializer, 400: INVALID, **ERRORS, 409: REFUSED},
    )
    def post(self, request, pk: int, question_key: str):
        """Add a row at the end of the table (for the plan's owner and editors)."""
        plan, question, record_type = _table_of(request, pk, question_key, writing=True)
        body = RowCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = form_data(record_type, body.validated_data["fields"])
        try:
            result = save_record(plan=plan, question=question, data=data, user=request.user)
        except InvalidRecord as invalid:
            detail = f"The {record_type.row_name} was not added: {invalid}"
            return Response(invalid_row_body(detail, invalid.form.errors), status=400)
        except (RecordRefused, RecordsLocked) as refusal:
            return _refused(refusal, if_match=False)
        row = _row_or_404(plan, question, record_type, result.record.pk)
        url = reverse(
            "api:record_row", kwargs={"pk": plan.pk, "question_key": question.key, "row_id": row.pk}
        )
        return _row_response(
            record_type,
            row,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(url)},
        )


@extend_schema(tags=["records"], parameters=[QUESTION_KEY, ROW_ID])
class RecordRow(APIView):
    """One row of a record-set question; its ETag is its revision."""

    parser_classes = [JSONParser]

    @extend_schema(operation_id="record_row_retrieve", responses={200: RowSerializer, **ERRORS})
    def get(self, request, pk: int, question_key: str, row_id: int):
        plan, question, record_type = _table_of(request, pk, question_key)
        return _row_response(record_type, _row_or_404(plan, question, record_type, row_id))

    @extend_schema(
        operation_id="record_row_update",
        request=RowChangeSerializer,
        parameters=[IF_MATCH],
        responses=CHANGE_RESPONSES,
    )
    def patch(self, request, pk: int, question_key: str, row_id: int):
        """Change some of the row's fields (those not sent stay as they are), from the
        revision sent (`revision` or If-Match)."""
        return self._change(request, pk, question_key, row_id, partial=True)

    @extend_schema(
        operation_id="record_row_replace",
        request=RowChangeSerializer,
        parameters=[IF_MATCH],
        responses=CHANGE_RESPONSES,
    )
    def put(self, request, pk: int, question_key: str, row_id: int):
        """Replace the row's fields (those not sent are emptied), from the revision sent
        (`revision` or If-Match)."""
        return self._change(request, pk, question_key, row_id, partial=False)

    def _change(self, request, pk: int, question_key: str, row_id: int, *, partial: bool):
        plan, question, record_type = _table_of(request, pk, question_key, writing=True)
        body = RowChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = _row_or_404(plan, question, record_type, row_id)
        revision, if_match = _base_revision(request, body.validated_data.get("revision"), row)
        fields = {}
        if partial:
            fields = row_data(record_type, [row])[0]["fields"]
            # As on the page, whose form always shows the plan's currency.
            fields.pop(CURRENCY, None)
        data = form_data(record_type, {**fields, **body.validated_data["fields"]})
        try:
            save_record(
                plan=plan,
                question=question,
                data=data,
                user=request.user,
                record_id=row.pk,
                base_revision=revision,
            )
        except InvalidRecord as invalid:
            return Response(invalid_row_body(f"Not saved: {invalid}", invalid.form.errors), 400)
        except (RecordRefused, RecordsLocked) as refusal:
            return _refused(refusal, if_match=if_match)
        return _row_response(record_type, _row_or_404(plan, question, record_type, row.pk))

    @extend_schema(
        operation_id="record_row_delete",
        parameters=[RowDeleteSerializer, IF_MATCH],
        responses={
            204: None,
            400: InvalidDataSerializer,
            **ERRORS,
            409: REFUSED,
            412: STALE_IF_MATCH,
        },
    )
    def delete(self, request, pk: int, question_key: str, row_id: int):
        """Delete the row at the revision sent (`revision` in the query, or If-Match)."""
        plan, question, record_type = _table_of(request, pk, question_key, writing=True)
        query = RowDeleteSerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        row = _row_or_404(plan, question, record_type, row_id)
        revision, if_match = _base_revision(request, query.validated_data.get("revision"), row)
        try:
            delete_record(
                plan=plan,
                question=question,
                record_id=row.pk,
                user=request.user,
                base_revision=revision,
            )
        except (RecordRefused, RecordsLocked) as refusal:
            return _refused(refusal, if_match=if_match)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["records"], parameters=[QUESTION_KEY, ROW_ID])
class RecordRowMove(APIView):
    """Move a row of an ordered table, as the page's up and down buttons do."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="record_row_move",
        request=RowMoveSerializer,
        responses={200: RecordTableSerializer, 400: InvalidDataSerializer, **ERRORS, 409: REFUSED},
    )
    def post(self, request, pk: int, question_key: str, row_id: int):
        """One place up or down (`step`), or to a `position`; answers the table."""
        plan, question, record_type = _table_of(request, pk, question_key, writing=True)
        body = RowMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = _row_or_404(plan, question, record_type, row_id)
        step = body.validated_data.get("step")
        if step is None:
            step = _step_to(plan, question, record_type, row, body.validated_data["position"])
        try:
            move_record(
                plan=plan, question=question, record_id=row.pk, step=step, user=request.user
            )
        except (RecordRefused, RecordsLocked) as refusal:
            return _refused(refusal, if_match=False)
        return Response(RecordTableSerializer(_table_body(plan, question, record_type)).data)


def _step_to(plan: Plan, question: Question, record_type: RecordType, row, position: int) -> int:
    """The step that takes `row` to `position` (from 1) among the table's rows now."""
    order = list(
        record_type.model._default_manager.filter(plan=plan, question=question)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    if row.pk not in order:
        raise NotFound(f"No such {record_type.row_name} in this table.")
    if position > len(order):
        raise serializers.ValidationError(
            {"position": [f"Choose a position from 1 to {len(order)}."]}
        )
    return position - 1 - order.index(row.pk)
