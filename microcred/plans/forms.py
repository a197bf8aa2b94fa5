from collections.abc import Mapping
from typing import Any, cast

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from microcred.questionnaires.models import TemplateVersion
from microcred.questionnaires.typed_text import validate_plain_text, validate_single_line
from microcred.records.forms import PlainDecimalField

from .models import Plan, PlanMembership
from .plan_lists import SORTS, PlanListQuery


class PlanForm(forms.ModelForm):
    submit_label = "Create plan"
    # Typed, with the organizations the user plans for offered (a datalist): a name no
    # organization has yet starts a new one (organizations.services).
    organization = forms.CharField(
        max_length=200,
        help_text="The credentialing organization that will offer it: one you plan for, or "
        "the name of a new one.",
    )
    field_order = ["title", "organization", "summary", "currency"]

    class Meta:
        model = Plan
        # The organization is a name, resolved by the service (not a model choice).
        fields = ["title", "summary", "currency"]
        labels = {"title": "Microcredential title", "summary": "Summary"}
        help_texts = {
            "title": "The name of the microcredential this plan is for, e.g. “Data Privacy "
            "Fundamentals”.",
            "summary": "A few sentences on what the microcredential is and who it is for.",
            "currency": "Every amount in the plan's tables (prices, costs, budgets, funding) "
            "is in this currency. It can change only while no row holds an amount.",
        }
        widgets: dict[str, forms.Widget] = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organizations: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "organization" not in self.initial:
            self.initial["organization"] = self.instance.organization.name
        self.organization_names = organizations or []
        if self.organization_names:
            self.fields["organization"].widget.attrs["list"] = "organization-names"
        # Left out (by a script, say), the currency is the default one.
        self.fields["currency"].required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))

    def clean_currency(self):
        if self.cleaned_data["currency"]:
            return self.cleaned_data["currency"]
        # A new plan's is then its organization's (plans.services.create_plan).
        return self.instance.currency if self.instance.pk else ""

    def clean_title(self):
        validate_single_line(self.cleaned_data["title"], label="title")
        return self.cleaned_data["title"]

    def clean_organization(self):
        validate_single_line(self.cleaned_data["organization"], label="organization")
        return self.cleaned_data["organization"]

    def clean_summary(self):
        validate_plain_text(self.cleaned_data["summary"], label="summary")
        return self.cleaned_data["summary"]


class PlanSettingsForm(PlanForm):
    """The plan's settings: what the new plan form asks, and the discount rate."""

    submit_label = "Save settings"

    class Meta(PlanForm.Meta):
        fields = [*PlanForm.Meta.fields, "discount_rate"]
        # Typed as text and read as answers are: a number input sends 75 for "7,5".
        widgets = {
            **PlanForm.Meta.widgets,
            "discount_rate": forms.TextInput(attrs={"inputmode": "decimal"}),
        }
        field_classes = {"discount_rate": PlainDecimalField}


class MemberForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
    )
    role = forms.ChoiceField(
        choices=[
            ("editor", "Editor: answers questions"),
            ("viewer", "Viewer: reads and comments"),
            ("reviewer", "Committee reviewer: reads, comments and decides"),
        ],
        initial="editor",
    )

    def __init__(self, *args, committee: list[tuple[str, str]] | None = None, **kwargs):
        """`committee`: the addresses and names of the plan's organization's committee
        members, offered as the address is typed."""
        super().__init__(*args, **kwargs)
        self.committee = committee or []
        if self.committee:
            email = self.fields["email"]
            email.widget.attrs["list"] = "committee-addresses"
            email.help_text = (
                "Its organization's committee members, who may review it, are offered as you type."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("add", "Invite"))


class InvitationSignupForm(UserCreationForm):
    """An account for the address an invitation went to: the address is not asked for,
    since the link proves it."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name", "last_name")
        labels = {"first_name": "First name", "last_name": "Last name"}

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The password validators compare the password with the address too.
        self.instance.email = email
        self.fields["first_name"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("join", "Create account and join"))

    def clean_first_name(self):
        validate_single_line(self.cleaned_data["first_name"], label="first name")
        return self.cleaned_data["first_name"]

    def clean_last_name(self):
        validate_single_line(self.cleaned_data["last_name"], label="last name")
        return self.cleaned_data["last_name"]


class MoveVersionForm(forms.Form):
    """Confirms moving a plan to the version whose changes the owner was shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, data: Mapping[str, object] | None = None, *, target: TemplateVersion, **kwargs: Any
    ) -> None:
        super().__init__(data, initial={"version": target.pk}, **kwargs)
        self.target = target

    def clean_version(self):
        if self.cleaned_data["version"] != self.target.pk:
            raise forms.ValidationError(
                f"Version {self.target.number} was published while you were reading: "
                "check what changes below, then move again."
            )
        return self.target


class PlanListForm(forms.Form):
    """Find, filter and sort a list of plans: a GET form, so that the list's address keeps
    what it shows and it works without JavaScript. An unknown value is said beside its
    field and narrows nothing."""

    search = forms.CharField(label="Title contains", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        error_messages={"invalid_choice": "Choose one of the statuses listed."},
    )
    role = forms.ChoiceField(
        label="My role",
        required=False,
        choices=[("", "Any role"), *PlanMembership.Role.choices],
        error_messages={"invalid_choice": "Choose one of the roles listed."},
    )
    organization = forms.ChoiceField(
        label="Organization",
        required=False,
        error_messages={"invalid_choice": "None of your plans is for this organization."},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=list(SORTS.items()),
        error_messages={"invalid_choice": "Choose one of the orders listed."},
    )

    def __init__(self, data, *, statuses: list[tuple[str, str]], organizations: list[str]):
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", "Any status"), *statuses]
        cast(forms.ChoiceField, self.fields["organization"]).choices = [
            ("", "Any organization"),
            *((name, name) for name in organizations),
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "plan-filters mb-3"
        self.helper.attrs = {"role": "search", "aria-label": "Find plans"}
        self.helper.layout = Layout(
            Row(
                *(
                    Column(name, css_class=width)
                    for name, width in (
                        ("search", "col-md-3"),
                        ("status", "col-md-2"),
                        ("role", "col-md-2"),
                        ("organization", "col-md-3"),
                        ("sort", "col-md-2"),
                    )
                )
            ),
            StrictButton("Show plans", type="submit", css_class="btn-outline-primary"),
            HTML('<a class="btn btn-link" href="?">Clear</a>'),
        )

    def list_query(self) -> PlanListQuery:
        """What to show: the valid fields' values, the defaults for the others."""
        self.is_valid()
        valid = {name: value for name, value in self.cleaned_data.items() if value}
        return PlanListQuery(**valid)


class MovePlansForm(forms.Form):
    """The plans a template admin chose to move to a new version, and those of them
    confirmed to move though some answers could not be placed."""

    plans = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": "Choose at least one plan to move."}
    )
    confirmed = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(
        self, data: Mapping[str, object] | None = None, *, plan_ids: list[int], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        choices = [(plan_id, str(plan_id)) for plan_id in plan_ids]
        for name in ("plans", "confirmed"):
            cast(forms.TypedMultipleChoiceField, self.fields[name]).choices = choices
