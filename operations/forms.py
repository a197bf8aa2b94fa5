from django import forms

from microcred.records.forms import RecordForm

from .models import FundingSource, KeyPerson, RecertificationRule, SystemChange

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WHOLE_NUMBER_INPUT = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})
DECIMAL_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "min": "0", "step": "0.01"})


class FundingSourceForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = FundingSource
        fields = ["funder", "covers", "amount", "period", "starts_on"]
        widgets = {"amount": DECIMAL_INPUT, "starts_on": DATE_INPUT}
        help_texts = {
            "funder": "A budget line, grant, sponsor or fee.",
            "starts_on": "When the money is first available.",
        }


class KeyPersonForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = KeyPerson
        fields = ["name", "role", "responsibility", "fte"]
        widgets = {"fte": DECIMAL_INPUT}
        help_texts = {
            "name": "A person, or a team when no one is named yet.",
            "fte": "Share of a full-time post spent on this program, e.g. 0.5.",
        }


class SystemChangeForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = SystemChange
        fields = ["system", "system_other", "change", "owner", "due_on", "status"]
        widgets = {"due_on": DATE_INPUT}
        help_texts = {"system_other": "Only when the system is Other."}


class RecertificationRuleForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = RecertificationRule
        fields = ["period_months", "method", "method_other", "credits_needed", "details"]
        widgets = {"period_months": WHOLE_NUMBER_INPUT, "credits_needed": WHOLE_NUMBER_INPUT}
        help_texts = {
            "period_months": "How often holders renew, e.g. 36 for every three years.",
            "method_other": "Only when the way is Other.",
            "credits_needed": "Needed for continuing education credits.",
        }
