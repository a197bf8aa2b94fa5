"""The forms of marketing's records: one row each."""

from django import forms

from microcred.records.forms import COUNT_INPUT, DATE_INPUT, MONEY_INPUT, RecordForm

from .models import AudienceSegment, Channel, SuccessMetric


class AudienceSegmentForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = AudienceSegment
        fields = ["name", "reach", "kind", "estimated_size"]
        widgets = {"estimated_size": COUNT_INPUT}
        help_texts = {
            "estimated_size": "People, or organizations for an organization segment.",
        }


class ChannelForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Channel
        fields = ["segment", "name", "budget", "starts_on"]
        widgets = {"budget": MONEY_INPUT, "starts_on": DATE_INPUT}
        help_texts = {
            "segment": "The audience segment this channel reaches.",
            "name": "Such as “Sponsored posts for HR job titles”.",
        }


class SuccessMetricForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = SuccessMetric
        fields = ["name", "direction", "target", "unit", "frequency"]
        widgets = {
            "target": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        }
        help_texts = {"unit": "Such as %, USD or registrations."}
