"""The API's comment threads as JSON, and the requests that add a comment or reply and
resolve or reopen a thread."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from microcred.plans.models import Comment

from .record_serializers import person_name
from .strict import INTEGER_MAX as REVISION_MAX
from .strict import StrictSerializer

# Longer than any question key or phase slug: what is longer names none.
KEY_MAX = 100
OPEN = "open"
EVERY = "all"


class CommentFiltersSerializer(serializers.Serializer):
    """The comment list's query parameters."""

    phase = serializers.SlugField(
        required=False, default="", max_length=KEY_MAX, help_text="Only threads of this phase."
    )
    question = serializers.SlugField(
        required=False,
        default="",
        max_length=KEY_MAX,
        help_text="Only threads on the answer to this question (its key).",
    )
    state = serializers.ChoiceField(
        choices=[(OPEN, "Open threads"), (EVERY, "Open and resolved threads")],
        required=False,
        default=OPEN,
    )


class CommentCreateSerializer(StrictSerializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    question_key = serializers.SlugField(
        required=False, max_length=KEY_MAX, help_text="A new thread on this question's answer."
    )
    phase_slug = serializers.SlugField(
        required=False,
        max_length=KEY_MAX,
        help_text="A new thread on this phase (or the phase of `question_key`).",
    )
    reply_to = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=REVISION_MAX,
        help_text="A reply to this thread (the id of its first comment).",
    )


class ThreadChangeSerializer(StrictSerializer):
    resolved = serializers.BooleanField(
        required=False,
        help_text="true resolves the thread, false reopens it; left out, nothing changes.",
    )


class CommentSerializer(serializers.ModelSerializer):
    """One comment: a thread's first one (`reply_to` null) or a reply."""

    reply_to = serializers.IntegerField(source="thread_id", allow_null=True)
    phase_slug = serializers.SlugField(source="phase.slug")
    question_key = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    text = serializers.CharField(source="body")

    class Meta:
        model = Comment
        fields = ["id", "reply_to", "phase_slug", "question_key", "author", "text", "created_at"]

    def get_question_key(self, comment) -> str | None:
        return comment.question.key if comment.question_id else None

    def get_author(self, comment) -> str | None:
        return person_name(comment.author)


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    text = serializers.CharField(source="body")

    class Meta:
        model = Comment
        fields = ["id", "author", "text", "created_at"]

    def get_author(self, comment) -> str | None:
        return person_name(comment.author)


class ThreadSerializer(CommentSerializer):
    """A thread: its first comment, whether it is resolved, and its replies in order."""

    resolved_by = serializers.SerializerMethodField()
    reply_count = serializers.IntegerField()
    replies = serializers.SerializerMethodField()

    class Meta(CommentSerializer.Meta):
        fields = [f for f in CommentSerializer.Meta.fields if f != "reply_to"] + [
            "resolved_at",
            "resolved_by",
            "reply_count",
            "replies",
        ]

    def get_resolved_by(self, comment) -> str | None:
        return person_name(comment.resolved_by)

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, comment):
        return ReplySerializer(comment.replies.all(), many=True).data
