"""The API's comment threads: read by whoever reads the plan, and written as on the phase
pages (whoever reads the plan may comment; comments.services has the rules)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.comments.services import add_comment, set_thread_resolved
from microcred.plans.models import Comment, Plan
from microcred.plans.permissions import plan_access_or_404
from microcred.plans.selectors import plan_threads, plans_with_version
from microcred.questionnaires.models import Phase

from .comment_serializers import (
    EVERY,
    CommentCreateSerializer,
    CommentFiltersSerializer,
    CommentSerializer,
    ThreadChangeSerializer,
    ThreadSerializer,
)
from .errors import ErrorSerializer, InvalidDataSerializer

NO_PLACE = "Say where the comment goes: question_key, phase_slug or reply_to."
REPLY_HAS_ITS_PLACE = "A reply goes where its thread is: leave out question_key and phase_slug."
NO_SUCH_THREAD = "No such comment thread on this plan."

THREAD_ID = OpenApiParameter(
    "thread_id", int, OpenApiParameter.PATH, description="The id of the thread's first comment."
)
READ_ERRORS: dict[int | str, Any] = {
    401: OpenApiResponse(ErrorSerializer, description="No credentials, or a refused token."),
    404: OpenApiResponse(ErrorSerializer, description="No such plan, or one you may not see."),
}
WRITE_ERRORS: dict[int | str, Any] = {
    **READ_ERRORS,
    403: OpenApiResponse(ErrorSerializer, description="A read-only token."),
}


def _threads(plan: Plan, **filters: Any) -> QuerySet[Comment]:
    """The plan's threads (plan_threads), each with its replies in order: three queries
    for a page of threads, however many replies."""
    replies = Comment.objects.select_related("author").order_by("created_at", "pk")
    return plan_threads(plan=plan, **filters).prefetch_related(Prefetch("replies", replies))


def _parameter_refusal(name: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({name: [message]})


@extend_schema(tags=["comments"])
class PlanComments(generics.ListAPIView):
    """The plan's comment threads, newest first, each with its replies."""

    serializer_class = ThreadSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="comment_threads_list",
        parameters=[CommentFiltersSerializer],
        responses={
            200: ThreadSerializer(many=True),
            400: InvalidDataSerializer,
            **READ_ERRORS,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        plan = plan_access_or_404(
            self.request.user, self.kwargs["pk"], queryset=plans_with_version()
        ).plan
        query = CommentFiltersSerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        question = None
        if filters["question"]:
            question = plan.template_version.questions.filter(key=filters["question"]).first()
            if question is None:
                raise _parameter_refusal("question", "This plan has no such question.")
        threads = _threads(plan, question=question, include_resolved=filters["state"] == EVERY)
        if filters["phase"]:
            if not plan.template_version.phases.filter(slug=filters["phase"]).exists():
                raise _parameter_refusal("phase", "This plan has no such phase.")
            threads = threads.filter(phase__slug=filters["phase"])
        return threads

    @extend_schema(
        operation_id="comment_create",
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, 400: InvalidDataSerializer, **WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        """A new thread on an answer (`question_key`) or a phase (`phase_slug`), or a reply
        to a thread (`reply_to`): whoever reads the plan may comment, as on its pages."""
        plan = plan_access_or_404(request.user, pk, queryset=plans_with_version()).plan
        body = CommentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        place = _place(plan, body.validated_data)
        try:
            comment = add_comment(
                plan=plan, user=request.user, body=body.validated_data["text"], **place
            )
        except ValidationError as refusal:
            return Response(
                {"detail": " ".join(refusal.messages), "errors": {"text": refusal.messages}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        thread_id = comment.thread_id or comment.pk
        url = reverse("api:comment_thread", kwargs={"pk": plan.pk, "thread_id": thread_id})
        return Response(
            CommentSerializer(comment).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(url)},
        )


def _place(plan: Plan, sent: dict) -> dict:
    """Where a new comment goes, as add_comment takes it: the thread it replies to, or
    the question and phase of a new thread; a 400 naming what the plan has not."""
    version = plan.template_version
    if "reply_to" in sent:
        if "question_key" in sent or "phase_slug" in sent:
            raise _parameter_refusal("reply_to", REPLY_HAS_ITS_PLACE)
        thread = (
            plan.comments.select_related("phase", "question").filter(pk=sent["reply_to"]).first()
        )
        if thread is None:
            raise _parameter_refusal("reply_to", NO_SUCH_THREAD)
        # As the page's reply, posted from a phase of the plan's version; the reply goes
        # where its thread is.
        phase_now = version.phases.filter(slug=thread.phase.slug).first() or thread.phase
        return {"phase": phase_now, "thread": thread}
    question = None
    if "question_key" in sent:
        question = (
            version.questions.select_related("phase").filter(key=sent["question_key"]).first()
        )
        if question is None:
            raise _parameter_refusal(
                "question_key", f"This plan has no question “{sent['question_key']}”."
            )
    if "phase_slug" in sent:
        phase: Phase | None = version.phases.filter(slug=sent["phase_slug"]).first()
        if phase is None:
            raise _parameter_refusal(
                "phase_slug", f"This plan has no phase “{sent['phase_slug']}”."
            )
    elif question is not None:
        phase = question.phase
    else:
        raise _parameter_refusal("non_field_errors", NO_PLACE)
    return {"phase": phase, "question": question}


@extend_schema(tags=["comments"], parameters=[THREAD_ID])
class CommentThread(APIView):
    """One thread of the plan with all its replies."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="comment_thread_retrieve", responses={200: ThreadSerializer, **READ_ERRORS}
    )
    def get(self, request, pk: int, thread_id: int):
        plan = plan_access_or_404(request.user, pk, queryset=plans_with_version()).plan
        return Response(ThreadSerializer(_thread_or_404(plan, thread_id)).data)

    @extend_schema(
        operation_id="comment_thread_update",
        request=ThreadChangeSerializer,
        responses={
            200: ThreadSerializer,
            400: InvalidDataSerializer,
            **WRITE_ERRORS,
            403: OpenApiResponse(
                ErrorSerializer,
                description="A read-only token, or one who may not resolve the thread (only "
                "its author, the plan's owner and editors, and its reviewers may).",
            ),
        },
    )
    def patch(self, request, pk: int, thread_id: int):
        """Resolve the thread, or reopen it."""
        plan = plan_access_or_404(request.user, pk, queryset=plans_with_version()).plan
        body = ThreadChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if "resolved" in body.validated_data:
            try:
                set_thread_resolved(
                    plan=plan,
                    thread_id=thread_id,
                    user=request.user,
                    resolved=body.validated_data["resolved"],
                )
            except ValidationError:
                raise NotFound(NO_SUCH_THREAD) from None
        return Response(ThreadSerializer(_thread_or_404(plan, thread_id)).data)


def _thread_or_404(plan: Plan, thread_id: int) -> Comment:
    thread = _threads(plan, include_resolved=True).filter(pk=thread_id).first()
    if thread is None:
        raise NotFound(NO_SUCH_THREAD)
    return thread
