from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .events import EVENT_CHOICES


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=2000,
        assume_scheme="https",
        help_text="An https:// address that accepts a POST with a JSON body.",
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/hooks/microcred"}),
    )
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("add", "Add endpoint"))
