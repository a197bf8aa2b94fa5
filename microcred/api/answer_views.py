"""A plan's answers through the API: all of them, one, and writing one with the pages'
rules (plans.answers.save_answer): checked by the question's kind, refused while the plan
is locked, and refused when based on a revision someone else has changed since.

A write says which revision it is based on, in its body (`revision`) or as `If-Match`
(the ETag of the answer's GET); a stale If-Match is a 412, a stale body revision a 409,
neither a 428. Tables (record-set questions) are written through their rows."""

import re

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.plans.answers import AnswerConflict, AnswersLocked, save_answer
from microcred.questionnaires.models import Question

from .answer_serializers import (
    AnswerSerializer,
    AnswerWriteSerializer,
)
from .errors import ErrorSerializer, RevisionConflictSerializer
from .plan_access import readable_plan, writable_plan
from .refusals import Conflict, PreconditionRequired, error_responses, refused_data, stale_write
from .selectors import AnswerState, PlanAnswers

TABLE_REFUSAL = (
    "This question's answer is a table: add, change and delete its rows through the rows "
    "endpoints; its answer is its number of rows."
)
NO_PRECONDITION = (
    "Say which revision of the answer your change is based on: send If-Match with the "
    'answer\'s ETag (such as If-Match: "3"), or "revision" in the body (0 for a question '
    "not answered yet)."
)
BAD_IF_MATCH = 'If-Match must be one ETag of the answer, such as "3".'
ETAG = re.compile(r'^"(\d{1,10})"$')

QUESTION_KEY = OpenApiParameter(
    "question_key", str, OpenApiParameter.PATH, description="The question's key."
)
ANSWER_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such plan or question, or a plan you may not see."
)
ETAG_HEADER = OpenApiResponse(
    AnswerSerializer,
    description='The answer; its ETag header is its revision, quoted ("3").',
)


def etag(state: AnswerState) -> str:
    return f'"{state.revision}"'


def answer_response(state: AnswerState) -> Response:
    return Response(AnswerSerializer(state).data, headers={"ETag": etag(state)})


def question_or_404(answers: PlanAnswers, key: str) -> Question:
    question = answers.question(key)
    if question is None:
        raise exceptions.NotFound(f"This plan's template has no question “{key}”.")
    return question


NOT_ANSWERED_YET = "This question has no answer yet: send revision 0."


@extend_schema(
    parameters=[
        OpenApiParameter("phase", str, description="Only the questions of this phase (a slug)."),
    ],
    responses={200: AnswerSerializer(many=True), **error_responses(401, 404)},
)
class AnswerList(generics.ListAPIView):
    """Every question of the plan's template version, in reading order, with its answer
    (unanswered ones with revision 0 and a null value) and whether it applies."""

    serializer_class = AnswerSerializer

    def get_queryset(self):
        plan = readable_plan(self.request, self.kwargs["pk"]).plan
        phase = self.request.query_params.get("phase", "")
        return PlanAnswers(plan).states(phase=phase)


class AnswerDetail(APIView):
    """One question of the plan and its answer."""

    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[QUESTION_KEY],
        responses={200: ETAG_HEADER, **error_responses(401), 404: ANSWER_NOT_FOUND},
    )
    def get(self, request, pk: int, question_key: str):
        answers = PlanAnswers(readable_plan(request, pk).plan)
        return answer_response(answers.state(question_or_404(answers, question_key)))

    @extend_schema(
        parameters=[
            QUESTION_KEY,
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The ETag of the answer the change is based on, such as "3".',
            ),
        ],
        request=AnswerWriteSerializer,
        responses={
            200: ETAG_HEADER,
            **error_responses(400, 401, 403),
            404: ANSWER_NOT_FOUND,
            409: OpenApiResponse(
                RevisionConflictSerializer,
                description="The body's revision is stale (someone changed the answer since: "
                "who and when are said), or the plan's status locks its answers (then only "
                "`detail`).",
            ),
            412: OpenApiResponse(
                RevisionConflictSerializer,
                description="The If-Match revision is stale: who changed it and when.",
            ),
            428: OpenApiResponse(
                ErrorSerializer, description="Neither If-Match nor a revision was sent."
            ),
        },
        description="Write one answer, as the phase page saves it: owner and editors, while "
        "the plan is not locked. A value its question's kind refuses is a 400 with the "
        "kind's message; `null` clears the answer.",
    )
    def put(self, request, pk: int, question_key: str):
        access = writable_plan(request, pk)
        answers = PlanAnswers(access.plan)
        question = question_or_404(answers, question_key)
        if question.kind == Question.Kind.RECORD_SET:
            raise exceptions.ValidationError({"value": [TABLE_REFUSAL]})
        body = AnswerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if_match = revision_of_if_match(request.headers.get("If-Match"))
        base_revision = based_on(body.validated_data.get("revision"), if_match)
        stored = answers.answers.get(question.pk)
        try:
            result = save_answer(
                plan=access.plan,
                question=question,
                raw_value=body.validated_data["value"],
                base_revision=base_revision,
                user=request.user,
                stored=stored,
            )
        except ValidationError as error:
            raise refused_data(error, field="value") from None
        except AnswersLocked as refusal:
            raise Conflict(str(refusal)) from None
        except AnswerConflict as conflict:
            return conflict_response(conflict, if_match=if_match is not None)
        answers.saved(result.answer)
        return answer_response(answers.state(question))


def revision_of_if_match(header: str | None) -> int | None:
    if header is None:
        return None
    match = ETAG.match(header.strip())
    if match is None:
        raise exceptions.ValidationError({"If-Match": [BAD_IF_MATCH]})
    return int(match.group(1))


def based_on(body_revision: int | None, if_match: int | None) -> int:
    """The revision a write is based on: the body's or If-Match's (the same when both)."""
    if body_revision is None and if_match is None:
        raise PreconditionRequired(NO_PRECONDITION)
    if body_revision is not None and if_match is not None and body_revision != if_match:
        raise exceptions.ValidationError(
            {"revision": [f"The revision ({body_revision}) and If-Match ({if_match}) differ."]}
        )
    return body_revision if body_revision is not None else if_match  # type: ignore[return-value]


def conflict_response(conflict: AnswerConflict, *, if_match: bool) -> Response:
    if conflict.answer is None:
        body = {"detail": NOT_ANSWERED_YET, "revision": 0, "updated_by": None}
        status = 412 if if_match else 409
        return Response(
            RevisionConflictSerializer(body).data, status=status, headers={"ETag": '"0"'}
        )
    return stale_write(conflict.answer, "answer", if_match=if_match)
