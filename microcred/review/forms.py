from collections.abc import Mapping, Sequence
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from microcred.plans.models import ReviewRound
from microcred.plans.readiness import ReadinessProblem, readiness_problem_count
from microcred.questionnaires.typed_text import validate_plain_text

from .services import CHANGES_NEED_A_REASON


class SubmitForReviewForm(forms.Form):
    note = forms.CharField(
        required=False,
        label="Note to the reviewers (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    confirm_incomplete = forms.BooleanField(required=False)

    def __init__(self, *args, problems: Sequence[ReadinessProblem] = (), **kwargs):
        """`problems`: the plan's readiness problems, which submitting asks to confirm."""
        super().__init__(*args, **kwargs)
        if problems:
            self.fields[
                "confirm_incomplete"
            ].label = f"Submit even though the plan has {readiness_problem_count(len(problems))}"
        else:
            del self.fields["confirm_incomplete"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Submit for review"))

    def clean_note(self):
        validate_plain_text(self.cleaned_data["note"], label="note")
        return self.cleaned_data["note"]


class ReviewDecisionForm(forms.Form):
    """The decision page's form: a reviewer confirms one decision, named in the page's
    address and carried along in a hidden field. A request for changes needs a reason."""

    decision = forms.ChoiceField(choices=ReviewRound.Decision.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )

    def __init__(
        self, data: Mapping[str, object] | None = None, *, decision: str, **kwargs: Any
    ) -> None:
        super().__init__(data, initial={"decision": decision}, **kwargs)
        approving = decision == ReviewRound.Decision.APPROVED
        reason = self.fields["reason"]
        if approving:
            reason.label = "Note to the owner and editors (optional)"
            reason.help_text = "Shown with the approval in the review history on the plan's page."
        else:
            reason.required = True
            reason.label = "What needs to change"
            reason.help_text = (
                "Sent to the plan's owner and editors, and kept in the review history."
            )
            reason.error_messages["required"] = CHANGES_NEED_A_REASON
        self.helper = FormHelper()
        # The page renders its own buttons: confirm in the decision's colour, or cancel.
        self.helper.form_tag = False

    def clean_reason(self):
        validate_plain_text(self.cleaned_data["reason"], label="reason")
        return self.cleaned_data["reason"]
