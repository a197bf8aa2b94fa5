from datetime import date, datetime, time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from .models import DEFAULT_LIFETIME, MAX_LIFETIME, ApiToken


def default_expiry_date() -> date:
    return timezone.localdate() + DEFAULT_LIFETIME


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “Weekly report script”."
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ, widget=forms.RadioSelect
    )
    expires_on = forms.DateField(
        label="Expires on",
        initial=default_expiry_date,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="At most a year from today; the token stops working at the start of that day.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("create", "Create token"))

    def clean_expires_on(self) -> date:
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on <= today:
            raise forms.ValidationError("Choose a day after today.")
        if expires_on > today + MAX_LIFETIME:
            raise forms.ValidationError(
                f"Choose a day at most a year from today ({today + MAX_LIFETIME:%Y-%m-%d})."
            )
        return expires_on

    @property
    def expires_at(self) -> datetime:
        midnight = datetime.combine(self.cleaned_data["expires_on"], time.min)
        return timezone.make_aware(midnight)
