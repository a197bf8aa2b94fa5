"""The refusals the API's writes share, in the API's error shape (errors.py): a service's
ValidationError as a 400 beside the fields it names, a plan whose state forbids the change
(409), and the preconditions of a conditional write (412, 428)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from microcred.plans.answers import change_notice
from microcred.plans.permissions import PlanAccess

from .errors import ErrorSerializer, InvalidDataSerializer, RevisionConflictSerializer
from .record_serializers import person_name

# The error responses, as extend_schema(responses=...) lists them (error_responses).
REFUSED = OpenApiResponse(InvalidDataSerializer, description="The data is not valid.")
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid credentials.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not allowed (or a read-only token).")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such plan, or one you may not see.")
LOCKED = OpenApiResponse(
    ErrorSerializer, description="The plan's status (in review, approved, archived) locks it."
)
ERROR_RESPONSES = {400: REFUSED, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: LOCKED}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The usual error responses of these statuses, for extend_schema's `responses`:
    `{200: ..., **error_responses(400, 401, 404)}`."""
    return {status: ERROR_RESPONSES[status] for status in statuses}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with the resource's current state."
    default_code = "conflict"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "This request must say which version it is based on."
    default_code = "precondition_required"


def refused_data(error: ValidationError, *, field: str = "") -> exceptions.ValidationError:
    """A service's refusal as the API's 400: each message under the field it names, or
    under `field` (else `non_field_errors`) when it names none."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): messages
                for name, messages in error.message_dict.items()
            }
        )
    return exceptions.ValidationError({field or api_settings.NON_FIELD_ERRORS_KEY: error.messages})


def require_unlocked(access: PlanAccess) -> None:
    """409 with the page's reason while the plan's status forbids changing its content
    (in review, approved, archived). The services check it again when they write."""
    reason = access.plan.answers_lock_reason
    if reason:
        raise Conflict(reason)


def stale_write(changed, what: str, *, if_match: bool) -> Response:
    """A write based on an older revision of an answer or row (`changed`, as stored now)
    than its own: who changed it and when, its revision now (also as the ETag), and what
    to do; 412 when If-Match named the revision, else 409."""
    body = {
        "detail": f"{change_notice(changed, what)} Read it again, and send your change "
        f"based on revision {changed.revision}.",
        "revision": changed.revision,
        "updated_by": person_name(changed.updated_by),
        "updated_at": changed.updated_at,
    }
    return Response(
        RevisionConflictSerializer(body).data,
        status=status.HTTP_412_PRECONDITION_FAILED if if_match else status.HTTP_409_CONFLICT,
        headers={"ETag": f'"{changed.revision}"'},
    )
