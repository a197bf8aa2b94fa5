"""A plan's answers as the API shows them, a written answer as it takes it, and a refused
write's conflict."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from microcred.questionnaires.models import Question

from .record_serializers import person_name
from .strict import INTEGER_MAX as REVISION_MAX
from .strict import StrictSerializer

VALUE_HELP = (
    "In the shape of the question's kind, as the plan's JSON file carries answers: text for "
    'short_text and long_text; {"choice": "yes"|"no", "explanation": text} for yes_no; '
    '{"choice": option, "other": text} for single_choice; {"choices": [options], "other": '
    'text} for multiple_choice; a string such as "12.5" for number; {"amount": "249.00", '
    '"currency": "USD"} for money; "YYYY-MM-DD" for date; a number of rows for record_set. '
    "null: not answered."
)
ANY_VALUE = {"nullable": True, "description": VALUE_HELP}


class AnswerSerializer(serializers.Serializer):
    """An AnswerState (selectors.py): one question of the plan and its answer."""

    question = serializers.CharField(source="question.key", help_text="The question's key.")
    phase = serializers.CharField(source="question.phase.slug", help_text="Its phase's slug.")
    kind = serializers.ChoiceField(source="question.kind", choices=Question.Kind.choices)
    value = serializers.SerializerMethodField()
    revision = serializers.IntegerField(
        help_text="How many times it was saved: 0 for a question never answered."
    )
    updated_by = serializers.SerializerMethodField(help_text="Who saved it last.")
    updated_at = serializers.DateTimeField(allow_null=True)
    applies = serializers.BooleanField(
        help_text="Whether the question applies: false when its condition (or its parent's) "
        "does not hold, as the phase page hides it."
    )
    answered = serializers.BooleanField()

    @extend_schema_field(ANY_VALUE)
    def get_value(self, state):
        return state.value

    def get_updated_by(self, state) -> str | None:
        return person_name(state.updated_by)


class AnswerWriteSerializer(StrictSerializer):
    value = serializers.JSONField(allow_null=True, help_text=VALUE_HELP)
    revision = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=REVISION_MAX,
        help_text="The revision the change is based on (0 for a question not answered "
        "yet); or send it as If-Match.",
    )
