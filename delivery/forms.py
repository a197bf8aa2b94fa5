from django import forms

from microcred.records.forms import RecordForm

from .models import Platform

INTEGRATION_STATUS_MISSING = "Say how far its integrations have got: planned, built or tested."
INTEGRATIONS_MISSING = "Choose the platforms it integrates with, or clear the integration status."


class PlatformForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = Platform
        fields = [
            "product",
            "vendor",
            "role",
            "role_other",
            "integrates_with",
            "integration_status",
        ]
        labels = {
            "product": "Product",
            "vendor": "Vendor",
            "role": "Role",
            "role_other": "Other role",
            "integrates_with": "Integrates with",
            "integration_status": "Integration status",
        }
        help_texts = {
            "role_other": "Only when the role is Other.",
            "integrates_with": "The platforms of this plan it sends data to.",
            "integration_status": "For several integrations, the least advanced one.",
        }
        widgets = {"integrates_with": forms.CheckboxSelectMultiple}

    def clean(self):
        # The platforms it integrates with are known only here, before they are saved.
        cleaned_data = super().clean()
        integrates_with = cleaned_data.get("integrates_with")
        status = cleaned_data.get("integration_status")
        if integrates_with and not status and "integration_status" not in self.errors:
            self.add_error("integration_status", INTEGRATION_STATUS_MISSING)
        if status and "integrates_with" in cleaned_data and not integrates_with:
            self.add_error("integrates_with", INTEGRATIONS_MISSING)
        return cleaned_data
