from django import forms

from microcred.plans.records import RecordForm

from .models import AssessmentDesign, LearningComponent, StackComponent

WHOLE_NUMBER_INPUT = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})
HOURS_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "0.5"})


class StackComponentForm(RecordForm):
    class Meta:
        model = StackComponent
        fields = ["title", "requirement", "learning_hours"]
        widgets = {"learning_hours": HOURS_INPUT}
        help_texts = {"learning_hours": "Typical study time to earn this component."}


class LearningComponentForm(RecordForm):
    class Meta:
        model = LearningComponent
        fields = [
            "title",
            "stack_component",
            "modality",
            "media",
            "media_other",
            "developer",
            "hours",
        ]
        widgets = {"hours": HOURS_INPUT}
        help_texts = {
            "stack_component": "Leave empty when the credential does not stack.",
            "media_other": "Only when the media is Other.",
            "developer": "Staff, volunteer experts or a vendor.",
        }


class AssessmentDesignForm(RecordForm):
    class Meta:
        model = AssessmentDesign
        fields = [
            "title",
            "form",
            "form_other",
            "item_count",
            "time_limit_minutes",
            "passing_standard",
            "standard_setting",
            "standard_setting_other",
            "scoring",
        ]
        widgets = {"item_count": WHOLE_NUMBER_INPUT, "time_limit_minutes": WHOLE_NUMBER_INPUT}
        help_texts = {
            "form_other": "Only when the form is Other.",
            "time_limit_minutes": "Leave empty for no time limit.",
            "passing_standard": "A cut score, or how it will be decided, e.g. 42 of 60 items.",
            "standard_setting_other": "Only when the way is Other.",
        }
