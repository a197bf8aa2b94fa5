from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms

from microcred.records.forms import PlainDecimalField, RecordForm

from .models import ReviewCycle, TrackedMetric
from .score_file_shape import ScoreFileError, score_file_shape, upload_bounds

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewCycleForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = ReviewCycle
        fields = ["name", "area", "area_other", "every_months", "owner", "last_done", "first_due"]
        labels = {
            "name": "Review",
            "area": "What is reviewed",
            "area_other": "Other area",
            "every_months": "Every (months)",
            "owner": "Owner",
            "last_done": "Last done",
            "first_due": "First due",
        }
        help_texts = {
            "area_other": "Only when what is reviewed is Other.",
            "owner": "The person or committee who runs the review.",
            "first_due": "Only for a review not done yet.",
        }
        widgets = {
            "every_months": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 120}),
            "last_done": DATE_INPUT,
            "first_due": DATE_INPUT,
        }


class TrackedMetricForm(RecordForm):
    class Meta(RecordForm.Meta):
        model = TrackedMetric
        fields = ["name", "source", "update_frequency", "audience"]
        labels = {
            "name": "Metric",
            "source": "Source",
            "update_frequency": "Updated",
            "audience": "Who sees it",
        }
        help_texts = {
            "source": "The system or survey the figures come from.",
            "audience": "The people or committees who see it.",
        }


# The phase page's inputs sit inside its answers form (forms cannot nest): they name the
# upload form, which the panel's forms template writes after it, by this id.
UPLOAD_FORM_ID = "psychometric-upload-form"
UPLOAD_TOO_LARGE = (
    "The file is larger than {limit}: upload at most {limit} (for more candidates, analyse "
    "them with `manage.py item_analysis` on the server)."
)


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f}".removesuffix(".0") + " MB"


class PsychometricUploadForm(forms.Form):
    results = forms.FileField(
        label="Results file (CSV)",
        help_text=(
            "The candidate's identifier in the first column, one item's score in each "
            "other column, separated by commas, semicolons or tabs; a header row with the "
            "items' names is optional, and so is a next row starting with “max” that gives "
            "each item's maximum mark."
        ),
        widget=forms.ClearableFileInput(attrs={"form": UPLOAD_FORM_ID, "accept": ".csv,text/csv"}),
    )
    max_mark = PlainDecimalField(
        label="Maximum mark per item",
        initial=Decimal(1),
        min_value=Decimal("0.01"),
        max_value=Decimal(1000),
        max_digits=7,
        decimal_places=2,
        help_text=(
            "1 when each item is scored right or wrong. A “max” row in the file gives each "
            "item its own instead."
        ),
        # Typed as text and read as answers are: a number input sends 15 for "1,5".
        widget=forms.TextInput(attrs={"form": UPLOAD_FORM_ID, "inputmode": "decimal"}),
    )

    def __init__(self, *args, too_large_limit: int | None = None, **kwargs):
        """`too_large_limit`: the upload was cut off past this many bytes."""
        super().__init__(*args, **kwargs)
        self.too_large_limit = too_large_limit
        if too_large_limit is not None:
            self.fields["results"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_results(self):
        if self.too_large_limit is not None:
            raise forms.ValidationError(
                UPLOAD_TOO_LARGE.format(limit=megabytes(self.too_large_limit))
            )
        results = self.cleaned_data["results"]
        # Refused here, before the file is kept, rather than as a failed analysis: the
        # worker reads the same shape again before it parses anything.
        try:
            score_file_shape(results, bounds=upload_bounds())
        except ScoreFileError as error:
            raise forms.ValidationError(str(error)) from None
        return results
