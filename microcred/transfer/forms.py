"""The forms of a plan's JSON download, of importing a plan file and of copying a plan."""

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from microcred.plans.models import Plan
from microcred.questionnaires.typed_text import validate_single_line
from microcred.reports.options import ExportOptions

from .plan_json import options_from_block

TOO_LARGE = "The file is too big: a plan file may have at most {limit}."


class JsonOptionsForm(forms.Form):
    """What the plan's JSON file holds beyond its answers and tables. Sent by GET: a box
    left unticked is an option left out, and no phase ticked is every phase. The fields
    are named as the file's `options` block names them."""

    comments = forms.BooleanField(
        required=False,
        label="Review rounds and comments",
        help_text="Each review round with its decision, and every comment thread.",
    )
    unanswered = forms.BooleanField(
        required=False,
        label="Unanswered questions",
        help_text="Listed with an empty value, so that the file shows every question.",
    )
    archived = forms.BooleanField(
        required=False,
        label="Archived answers",
        help_text="Answers kept from an earlier template version that the current one does "
        "not ask.",
    )
    phases = forms.MultipleChoiceField(
        required=False,
        label="Phases",
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none for every phase.",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A copy of the field declared above.
        phase_field = cast(forms.MultipleChoiceField, self.fields["phases"])
        phase_field.choices = [
            (phase.slug, phase.title) for phase in plan.template_version.phases.all()
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form element has it, or needs none

    def options(self) -> ExportOptions:
        return options_from_block(self.cleaned_data)


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label="Plan file (JSON)",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    organization = forms.CharField(
        label="Organization",
        required=False,
        max_length=200,
        help_text="The organization the new plan is for; left empty, the one the file names.",
    )

    def __init__(self, *args: Any, max_bytes: int, too_large: bool = False, **kwargs: Any) -> None:
        """`too_large`: the upload was cut off past `max_bytes`."""
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.too_large = too_large
        if too_large:
            self.fields["file"].required = False
        self.fields["file"].help_text = (
            "A file downloaded with “Download as JSON” from a plan, here or on another "
            f"installation; at most {filesizeformat(max_bytes)}, "
            f"{settings.PLAN_IMPORT_MAX_ROWS:,} table rows and "
            f"{settings.PLAN_IMPORT_MAX_ANSWERS:,} answers."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form element has it, or needs none
        # A refused file can have many located problems: one per line.
        self.helper.error_text_inline = False

    def clean_file(self) -> "UploadedFile[bytes]":
        if self.too_large:
            raise forms.ValidationError(TOO_LARGE.format(limit=filesizeformat(self.max_bytes)))
        return self.cleaned_data["file"]


class PlanCopyForm(forms.Form):
    title = forms.CharField(
        label="Title of the new plan",
        max_length=Plan._meta.get_field("title").max_length,
        help_text="The new plan is a draft that you own, with this plan's answers and tables "
        "(not its comments, reviews, history or exports).",
    )
    organization = forms.CharField(
        label="Organization",
        required=False,
        max_length=200,
        help_text="The organization the new plan is for: one you plan for, or a new one.",
    )

    def __init__(self, *args: Any, organizations: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization_names = organizations or []
        if self.organization_names:
            self.fields["organization"].widget.attrs["list"] = "organization-names"
        self.helper = FormHelper()
        self.helper.add_input(Submit("copy", "Create the new plan"))

    def clean_title(self) -> str:
        validate_single_line(self.cleaned_data["title"], label="title")
        return self.cleaned_data["title"]

    def clean_organization(self) -> str:
        validate_single_line(self.cleaned_data["organization"], label="organization")
        return self.cleaned_data["organization"]
