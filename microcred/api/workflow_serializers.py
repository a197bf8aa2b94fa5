"""The review workflow's requests (submit, decide) and what they answer: the plan's new
status and its review round."""

from django import forms
from rest_framework import serializers

from microcred.plans.models import ReviewRound
from microcred.questionnaires.typed_text import validate_plain_text
from microcred.review.forms import ReviewDecisionForm, SubmitForReviewForm
from microcred.review.services import CHANGES_NEED_A_REASON

from .errors import ErrorSerializer
from .record_serializers import person_name
from .strict import StrictSerializer


def _page_text(form: type[forms.Form], name: str, *, help_text: str) -> serializers.CharField:
    """An optional text of a page's form, taken as it is typed and held to the form's
    limit: the API takes no more than the page."""
    form_field = form.base_fields[name]
    assert isinstance(form_field, forms.CharField)  # noqa: S101 (the forms' own fields)
    return serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        max_length=form_field.max_length,
        help_text=help_text,
    )


class SubmitSerializer(StrictSerializer):
    note = _page_text(SubmitForReviewForm, "note", help_text="A note to the reviewers.")
    confirm_incomplete = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Submit even though the plan has readiness problems (the page's tick box).",
    )

    def validate_note(self, note: str) -> str:
        validate_plain_text(note, label="note")
        return note


class DecisionSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=ReviewRound.Decision.choices)
    reason = _page_text(
        ReviewDecisionForm,
        "reason",
        help_text="What needs to change (required to request changes); with an approval, "
        "an optional note.",
    )

    def validate_reason(self, reason: str) -> str:
        validate_plain_text(reason, label="reason")
        return reason

    def validate(self, attrs):
        attrs = super().validate(attrs)
        changes = attrs["decision"] == ReviewRound.Decision.CHANGES_REQUESTED
        if changes and not attrs["reason"].strip():
            raise serializers.ValidationError({"reason": [CHANGES_NEED_A_REASON]})
        return attrs


class ReviewRoundSerializer(serializers.ModelSerializer):
    submitted_by = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    reopened_by = serializers.SerializerMethodField()

    class Meta:
        model = ReviewRound
        fields = [
            "number",
            "submitted_by",
            "submitted_at",
            "note",
            "decision",
            "decided_by",
            "decided_at",
            "reason",
            "reopened_by",
            "reopened_at",
        ]

    def get_submitted_by(self, review_round) -> str | None:
        return person_name(review_round.submitted_by)

    def get_decision(self, review_round) -> str | None:
        """`approved`, `changes_requested`, or null while the round is open."""
        return review_round.decision or None

    def get_decided_by(self, review_round) -> str | None:
        return person_name(review_round.decided_by)

    def get_reopened_by(self, review_round) -> str | None:
        return person_name(review_round.reopened_by)


class WorkflowResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The plan's status now.")
    review_round = ReviewRoundSerializer()


class ProblemSerializer(serializers.Serializer):
    phase = serializers.SlugField(help_text="The slug of the phase where it is fixed.")
    question_key = serializers.CharField(
        help_text='The question where it is fixed ("" for the phase as a whole).'
    )
    message = serializers.CharField()


class WorkflowRefusalSerializer(ErrorSerializer):
    problems = ProblemSerializer(
        many=True,
        required=False,
        help_text="When the plan is incomplete and `confirm_incomplete` was not sent: its "
        "readiness problems.",
    )
