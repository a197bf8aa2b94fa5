"""The forms of an organization's people page and settings, for its admins."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from microcred.questionnaires.typed_text import validate_single_line

from .models import Organization, OrganizationMembership

# A host name of two or more labels, lower case, as e-mail addresses end.
DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
MAX_DOMAINS = 50


class AddPersonForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address of the person's account on this site.",
    )
    role = forms.ChoiceField(
        choices=OrganizationMembership.Role.choices,
        initial=OrganizationMembership.Role.PROGRAM_MANAGER,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("add", "Add person"))


class RoleForm(forms.Form):
    """The role to give to, or take from, one person (a row of the people table)."""

    role = forms.ChoiceField(choices=OrganizationMembership.Role.choices)


class OrganizationSettingsForm(forms.ModelForm):
    email_domains = forms.CharField(
        label="E-mail domains",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=(
            "One per line, such as northbridge.edu: people who sign in with an address at "
            "one of them belong to this organization."
        ),
    )

    class Meta:
        model = Organization
        fields = ["short_name", "country", "default_currency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["email_domains"] = "\n".join(
                self.instance.email_domains.values_list("domain", flat=True)
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", "Save settings"))

    def clean_short_name(self) -> str:
        short_name: str = self.cleaned_data["short_name"]
        validate_single_line(short_name, label="short name")
        return short_name

    def clean_email_domains(self) -> list[str]:
        domains: list[str] = []
        wrong: list[str] = []
        for line in self.cleaned_data["email_domains"].splitlines():
            domain = line.strip().lstrip("@").lower()
            if not domain:
                continue
            if DOMAIN.match(domain):
                if domain not in domains:
                    domains.append(domain)
            else:
                wrong.append(line.strip())
        if wrong:
            raise forms.ValidationError(
                "Not a domain: %(wrong)s. Write one a line, the part after the @ of an "
                "address, such as northbridge.edu.",
                params={"wrong": ", ".join(wrong[:5])},
            )
        if len(domains) > MAX_DOMAINS:
            raise forms.ValidationError(f"At most {MAX_DOMAINS} domains, please.")
        return domains
