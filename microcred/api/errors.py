"""Every error of the API in one shape: `{"detail": "<what went wrong>"}`, with the
fields' messages in `errors` when the request's data was refused (400)."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler

INVALID = "The request's data is not valid."


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": INVALID, "errors": response.data}
    elif not (isinstance(response.data, dict) and "detail" in response.data):
        response.data = {"detail": str(response.data)}
    return response


class ErrorSerializer(serializers.Serializer):
    """What every error answers (for the schema)."""

    detail = serializers.CharField(help_text="What went wrong.")


class InvalidDataSerializer(ErrorSerializer):
    """A 400: the request's data was refused, with the messages by field (a nested
    field's messages nested the same way); without `errors`, a body that is not JSON."""

    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="The messages, by field of the request's data.",
    )


class RevisionConflictSerializer(ErrorSerializer):
    """A change made from an older revision (of an answer or a row) than the stored one:
    409 when the body named the revision, 412 when If-Match did; who changed it, when."""

    revision = serializers.IntegerField(
        required=False, help_text="Its revision now (when it changed meanwhile)."
    )
    updated_by = serializers.CharField(
        required=False, allow_null=True, help_text="Who changed it last."
    )
    updated_at = serializers.DateTimeField(required=False, help_text="When.")


# The schema's 401, which every endpoint can answer.
NOT_AUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid credentials.")
