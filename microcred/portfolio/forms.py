"""The portfolio's filters, search and sorting: a GET form, so that the page's address
(and its CSV's) keeps what it shows. An unknown value is said beside its field and
narrows nothing."""

from typing import cast

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms

from microcred.plans.plan_lists import STATUS_ORDER

from .selectors import DEFAULT_SORT, READINESS_CHOICES, SORTS, PortfolioQuery

# A review due within at most ten years: a longer wait is no filter.
MAX_DAYS = 3650


class PortfolioFilterForm(forms.Form):
    search = forms.CharField(label="Title contains", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *((status.value, status.label) for status in STATUS_ORDER)],
        error_messages={"invalid_choice": "Choose one of the statuses listed."},
    )
    owner = forms.ChoiceField(
        label="Owner",
        required=False,
        error_messages={"invalid_choice": "No plan here has this owner."},
    )
    readiness = forms.ChoiceField(
        label="Readiness",
        required=False,
        choices=[("", "Any readiness"), *READINESS_CHOICES.items()],
        error_messages={"invalid_choice": "Choose one of the readiness states listed."},
    )
    review_due_within_days = forms.IntegerField(
        label="Review due within (days)",
        required=False,
        min_value=0,
        max_value=MAX_DAYS,
        help_text="Overdue reviews included.",
    )
    template_version_id = forms.TypedChoiceField(
        label="Template version",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "No plan here is on this template version."},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(name, label) for name, (label, _) in SORTS.items()],
        error_messages={"invalid_choice": "Choose one of the orders listed."},
    )
    include_archived = forms.BooleanField(label="Include archived plans", required=False)

    def __init__(self, data, *, owners: list[str], template_versions: list[tuple[int, str]]):
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", "Any owner"),
            *((owner, owner) for owner in owners),
        ]
        cast(forms.ChoiceField, self.fields["template_version_id"]).choices = [
            ("", "Any version"),
            *template_versions,
        ]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "portfolio-filters mb-3"
        self.helper.attrs = {"role": "search", "aria-label": "Filter the portfolio"}
        self.helper.layout = Layout(
            Row(
                Column("search", css_class="col-md-3"),
                Column("status", css_class="col-md-3"),
                Column("owner", css_class="col-md-3"),
                Column("readiness", css_class="col-md-3"),
            ),
            Row(
                Column("review_due_within_days", css_class="col-md-3"),
                Column("template_version_id", css_class="col-md-3"),
                Column("sort", css_class="col-md-3"),
                Column("include_archived", css_class="col-md-3 pt-md-4"),
            ),
            StrictButton("Show plans", type="submit", css_class="btn-outline-primary"),
            HTML('<a class="btn btn-link" href="?">Clear</a>'),
        )


def archived_included(data) -> bool:
    """Whether the GET parameters ask for archived plans too: known before the form,
    whose choices depend on which plans are read."""
    return bool(forms.BooleanField(required=False).clean(data.get("include_archived")))


def valid_query(form: PortfolioFilterForm) -> PortfolioQuery:
    """What to show: the valid fields' values, the defaults for the others."""
    form.is_valid()
    valid = {
        name: value
        for name, value in form.cleaned_data.items()
        if value is not None and value != "" and value is not False
    }
    valid.setdefault("sort", DEFAULT_SORT)
    return PortfolioQuery(**valid)
