from collections.abc import Sequence
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms

from microcred.questionnaires.models import Phase

from .models import PageSize
from .options import ExportOptions, Paper


class ExportOptionsForm(forms.Form):
    """What every export of the plan contains (options.ExportOptions)."""

    phases = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one phase to export."},
    )
    include_unanswered = forms.BooleanField(
        required=False,
        label="Unanswered questions",
        help_text="Without them, only the questions with an answer are printed.",
    )
    include_appendix = forms.BooleanField(
        required=False, label="Review history and comments appendix"
    )
    include_archived = forms.BooleanField(
        required=False,
        label="Archived answers",
        help_text="Answers kept from earlier versions of the question template.",
    )
    page_size = forms.ChoiceField(
        choices=PageSize.choices,
        # A form without the field (an older page still open) leaves it automatic.
        required=False,
        label="Page size",
        help_text="The paper the PDF and the Word document are laid out for. Automatic is US "
        "Letter for a plan in US or Canadian dollars or Mexican, Philippine, Chilean or "
        "Colombian pesos, A4 for the others, unless the site's administrator chose one.",
    )

    def __init__(
        self,
        *args: Any,
        phases: Sequence[Phase],
        options: ExportOptions,
        automatic_paper: Paper,
        **kwargs: Any,
    ) -> None:
        """`phases`: the plan's phases, in their order; `automatic_paper`: the page size
        that automatic gives the plan."""
        super().__init__(*args, **kwargs)
        paper_field = cast(forms.ChoiceField, self.fields["page_size"])
        paper_field.choices = [
            (value, f"Automatic ({automatic_paper.name})" if value == PageSize.AUTOMATIC else label)
            for value, label in PageSize.choices
        ]
        self.all_slugs = [phase.slug for phase in phases]
        # A copy of the field declared above.
        phase_field = cast(forms.MultipleChoiceField, self.fields["phases"])
        phase_field.choices = [(phase.slug, phase.title) for phase in phases]
        self.initial = {
            "phases": [slug for slug in self.all_slugs if options.includes_phase(slug)],
            "include_unanswered": options.include_unanswered,
            "include_appendix": options.include_appendix,
            "include_archived": options.include_archived,
            "page_size": options.page_size,
        }
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def export_options(self) -> ExportOptions:
        chosen = frozenset(self.cleaned_data["phases"])
        return ExportOptions(
            # Every phase chosen: every phase, also one a newer template version adds.
            phase_slugs=None if chosen >= set(self.all_slugs) else chosen,
            include_unanswered=self.cleaned_data["include_unanswered"],
            include_appendix=self.cleaned_data["include_appendix"],
            include_archived=self.cleaned_data["include_archived"],
            page_size=self.cleaned_data["page_size"] or PageSize.AUTOMATIC,
        )
