"""The review workflow in the API: submitting a plan for review, a reviewer's decision,
and reopening an approved plan, with the pages' permissions and messages
(review.views) through the same services (review.services)."""

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.plans.models import Plan, ReviewRound
from microcred.plans.permissions import NOT_A_DECIDING_REVIEWER, PlanAccess, plan_access_or_404
from microcred.plans.readiness import readiness_problem_count
from microcred.plans.selectors import plans_with_version
from microcred.review.services import (
    IncompletePlan,
    decide_review,
    reopen_plan,
    submit_for_review,
)

from .errors import ErrorSerializer, InvalidDataSerializer
from .workflow_serializers import (
    DecisionSerializer,
    SubmitSerializer,
    WorkflowRefusalSerializer,
    WorkflowResultSerializer,
)

ERRORS: dict[int | str, Any] = {
    401: OpenApiResponse(ErrorSerializer, description="No credentials, or a refused token."),
    404: OpenApiResponse(ErrorSerializer, description="No such plan, or one you may not see."),
}


def _access(request, plan_id: int) -> PlanAccess:
    return plan_access_or_404(request.user, plan_id, queryset=plans_with_version())


def _refused(message: str, **more: Any) -> Response:
    """A step the plan's state does not allow now (409)."""
    return Response({"detail": message, **more}, status=status.HTTP_409_CONFLICT)


def _result(plan: Plan, review_round: ReviewRound) -> Response:
    return Response(
        WorkflowResultSerializer({"status": plan.status, "review_round": review_round}).data
    )


def incomplete_message(incomplete: IncompletePlan) -> str:
    """The page's message (“Tick this box to submit with …”), for the API's flag."""
    count = readiness_problem_count(len(incomplete.problems))
    return f"Send “confirm_incomplete”: true to submit with {count}, or fix them first."


@extend_schema(tags=["review"])
class PlanSubmit(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="plan_submit",
        request=SubmitSerializer,
        responses={
            200: WorkflowResultSerializer,
            400: InvalidDataSerializer,
            **ERRORS,
            403: OpenApiResponse(
                ErrorSerializer, description="A read-only token, or not the plan's owner."
            ),
            409: OpenApiResponse(
                WorkflowRefusalSerializer,
                description="The plan is in review, approved or archived; it has no reviewer "
                "who may decide; or it has readiness problems and `confirm_incomplete` was "
                "not sent (they are listed).",
            ),
        },
    )
    def post(self, request, pk: int):
        """Submit the plan for review (its owner): a new review round opens and its answers
        are locked until a reviewer decides."""
        access = _access(request, pk)
        if not access.is_owner:
            raise PermissionDenied(access.submit_refusal)
        body = SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if access.submit_refusal:
            return _refused(access.submit_refusal)
        plan = access.plan
        try:
            review_round = submit_for_review(plan=plan, user=request.user, **body.validated_data)
        except IncompletePlan as incomplete:
            problems = [
                {"phase": p.phase, "question_key": p.question_key, "message": p.message}
                for p in incomplete.problems
            ]
            return _refused(incomplete_message(incomplete), problems=problems)
        except ValidationError as refusal:
            return _refused(" ".join(refusal.messages))
        return _result(plan, review_round)


@extend_schema(tags=["review"])
class PlanDecision(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="plan_decide",
        request=DecisionSerializer,
        responses={
            200: WorkflowResultSerializer,
            400: InvalidDataSerializer,
            **ERRORS,
            403: OpenApiResponse(
                ErrorSerializer,
                description="A read-only token, or one who may not decide: not a reviewer of "
                "the plan, not on its organization's committee, or one who wrote in it.",
            ),
            409: OpenApiResponse(ErrorSerializer, description="The plan is not in review."),
        },
    )
    def post(self, request, pk: int):
        """A reviewer's decision on the open round: `approved`, or `changes_requested` with
        the `reason` (which unlocks the answers for the owner and editors)."""
        access = _access(request, pk)
        plan = access.plan
        may_decide = access.is_reviewer or access.is_superuser
        if plan.status != Plan.Status.IN_REVIEW:
            if not may_decide:
                raise PermissionDenied(NOT_A_DECIDING_REVIEWER)
            return _refused(NOT_A_DECIDING_REVIEWER)
        if access.reviewer_refusal:
            raise PermissionDenied(access.reviewer_refusal)
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            review_round = decide_review(plan=plan, user=request.user, **body.validated_data)
        except ValidationError as refusal:
            return _refused(" ".join(refusal.messages))
        return _result(plan, review_round)


@extend_schema(tags=["review"])
class PlanReopen(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="plan_reopen",
        request=None,
        responses={
            200: WorkflowResultSerializer,
            **ERRORS,
            403: OpenApiResponse(
                ErrorSerializer, description="A read-only token, or not the plan's owner."
            ),
            409: OpenApiResponse(ErrorSerializer, description="The plan is not approved."),
        },
    )
    def post(self, request, pk: int):
        """Take an approved plan back to draft (its owner), so that its answers can change
        again; the approved round stays in the history, marked as reopened."""
        access = _access(request, pk)
        if not access.is_owner:
            raise PermissionDenied(access.reopen_refusal)
        if access.reopen_refusal:
            return _refused(access.reopen_refusal)
        plan = access.plan
        try:
            review_round = reopen_plan(plan=plan, user=request.user)
        except ValidationError as refusal:
            return _refused(" ".join(refusal.messages))
        return _result(plan, review_round)
