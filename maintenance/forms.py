from django import forms

from microcred.plans.records import RecordForm

from .models import ReviewCycle, TrackedMetric

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewCycleForm(RecordForm):
    class Meta:
        model = ReviewCycle
        fields = ["name", "area", "area_other", "every_months", "owner", "last_done", "first_due"]
        labels = {
            "name": "Review",
            "area": "What is reviewed",
            "area_other": "Other area",
            "every_months": "Every (months)",
            "owner": "Owner",
            "last_done": "Last done",
            "first_due": "First due",
        }
        help_texts = {
            "area_other": "Only when what is reviewed is Other.",
            "owner": "The person or committee who runs the review.",
            "first_due": "Only for a review not done yet.",
        }
        widgets = {
            "every_months": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 120}),
            "last_done": DATE_INPUT,
            "first_due": DATE_INPUT,
        }


class TrackedMetricForm(RecordForm):
    class Meta:
        model = TrackedMetric
        fields = ["name", "source", "update_frequency", "audience"]
        labels = {
            "name": "Metric",
            "source": "Source",
            "update_frequency": "Updated",
            "audience": "Who sees it",
        }
        help_texts = {
            "source": "The system or survey the figures come from.",
            "audience": "The people or committees who see it.",
        }
