from django import forms

from microcred.questionnaires.kinds import SHORT_TEXT_MAX
from microcred.records.forms import RecordForm

from .models import AssessmentDesign, Competency, LearningComponent, StackComponent

WHOLE_NUMBER_INPUT = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})
HOURS_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "0.5"})


class CompetencyForm(RecordForm):
    url = forms.URLField(
        label="Web address of its description",
        max_length=SHORT_TEXT_MAX,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text="The page where the framework describes it (or your exam blueprint).",
    )

    class Meta(RecordForm.Meta):
        model = Competency
        fields = ["name", "framework", "code", "url"]
        help_texts = {
            "framework": "The framework or standard it belongs to, if any.",
            "code": "Its code in the framework, e.g. 2.3.1.",
        }


class StackComponentForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = StackComponent
        fields = ["title", "requirement", "learning_hours"]
        widgets = {"learning_hours": HOURS_INPUT}
        help_texts = {"learning_hours": "Typical study time to earn this component."}


class LearningComponentForm(RecordForm):
    class Meta(RecordForm.Meta):
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
    class Meta(RecordForm.Meta):
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
