"""The form of a phase's answers, and the saved/refused status each answer shows as it
autosaves."""

import dataclasses
from dataclasses import dataclass

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from microcred.questionnaires.forms import QuestionBlock, QuestionFieldsForm, field_name
from microcred.questionnaires.kinds import kind_of

from .answers import AnswerSubmission
from .models import Answer


def revision_field_name(question):
    return field_name(question, "revision")


@dataclass
class AnswerStatus:
    """The live "Saved" / "Not saved: reason" line of one question, carrying the
    revision its next save is based on (plans/_answer_status.html)."""

    item: object
    revision: int
    saved: bool = False
    unchanged: bool = False
    error: str = ""
    answer: object = None


def answer_status(*, item, revision, outcome=None, error="") -> AnswerStatus:
    if outcome is not None and outcome.error:
        error = outcome.error
    return AnswerStatus(
        item=item,
        revision=revision,
        saved=outcome is not None and outcome.saved,
        unchanged=outcome is not None and not outcome.saved and not error,
        error=error,
        answer=outcome.result.answer if outcome and outcome.result else item.answer,
    )


def render_answer_status(*, item, revision, outcome=None, error="", inner_only=False):
    """The status line of one question; `inner_only` for an htmx swap into the line."""
    template = "plans/_answer_status_inner.html" if inner_only else "plans/_answer_status.html"
    status = answer_status(item=item, revision=revision, outcome=outcome, error=error)
    return render_to_string(template, {"status": status})


@dataclass
class AnswerBlock(QuestionBlock):
    """A question on the plan's phase page: its fields (see QuestionBlock), its status
    line, its comment threads and, for a record set, its table of rows (the context of
    plans/records/_editor.html)."""

    status: AnswerStatus | None = None
    threads: list = dataclasses.field(default_factory=list)
    record_set: dict | None = None


class PhaseAnswersForm(QuestionFieldsForm):
    """One phase's answers on the plan's page: the questions' fields (see
    QuestionFieldsForm), each with the revision its save is based on, its live status
    line, autosave to `autosave_url(question)`, and its comment threads (`comments`);
    the page shows it block by block (`answer_blocks`)."""

    def __init__(
        self,
        *args,
        items,
        autosave_url=None,
        read_only=False,
        comments=True,
        hidden_ids=frozenset(),
        **kwargs,
    ):
        self.outcomes = {}
        self.autosave_url = autosave_url
        self.comments = comments
        super().__init__(*args, items=items, read_only=read_only, hidden_ids=hidden_ids, **kwargs)

    def add_question_fields(self, item):
        super().add_question_fields(item)
        self.fields[revision_field_name(item.question)] = forms.IntegerField(
            required=False, min_value=0, widget=forms.HiddenInput
        )

    def answer_attrs(self, item) -> dict:
        if not self.autosave_url or self.read_only:
            return {}
        return {
            "data-autosave": "",
            "hx-include": "this",
            "hx-post": self.autosave_url(item.question),
            "hx-swap": "innerHTML",
            "hx-sync": "this:queue last",
            "hx-target": f"#status-{item.question.key}",
            "hx-trigger": "change, input delay:1200ms, autosave-retry",
        }

    def answer_blocks(self, *, threads, record_sets) -> list[AnswerBlock]:
        """The page's question blocks, given the phase's comment threads and record-set
        tables by question id."""
        blocks = []
        for block in self.question_blocks():
            question = block.question
            status = None
            if not block.is_record_set:
                outcome = self.outcomes.get(question.id)
                status = answer_status(
                    item=block.item,
                    revision=self.base_revision(question),
                    # A refused answer's reason is already shown beside its field.
                    outcome=None if outcome and outcome.error else outcome,
                )
            blocks.append(
                AnswerBlock(
                    **vars(block),
                    status=status,
                    threads=threads.get(question.id, []),
                    record_set=record_sets.get(question.id),
                )
            )
        return blocks

    def base_revision(self, question) -> int:
        outcome = self.outcomes.get(question.id)
        if outcome is not None and outcome.revision is not None:
            return outcome.revision
        if self.is_bound:
            try:
                return max(0, int(self.data.get(revision_field_name(question)) or 0))
            except ValueError:
                return 0
        answer = next(i for i in self.items if i.question.id == question.id).answer
        return answer.revision if isinstance(answer, Answer) else 0

    def submissions(self) -> list[AnswerSubmission]:
        """The posted answers whose fields passed form validation."""
        submissions = []
        for item in self.items:
            question = item.question
            kind = kind_of(question)
            names = {suffix: field_name(question, suffix) for suffix in kind.form_fields(question)}
            if not names or question.pk in self.hidden_ids:
                # A record set's rows are saved one by one; a question that does not apply
                # keeps its stored answer, whatever its hidden fields hold.
                continue
            if any(name in self.errors for name in names.values()):
                continue
            data = {suffix: self.cleaned_data.get(name) for suffix, name in names.items()}
            submissions.append(
                AnswerSubmission(
                    question=question,
                    raw_value=kind.raw_from_form(data),
                    base_revision=self.cleaned_data.get(revision_field_name(question)) or 0,
                )
            )
        return submissions

    def record_outcomes(self, outcomes):
        """Put each refused answer's reason beside its field, and remember what was saved."""
        for outcome in outcomes:
            self.outcomes[outcome.question.id] = outcome
            if outcome.error:
                self.add_error(field_name(outcome.question), outcome.error)


def autosave_url_for(plan, phase):
    def url(question):
        return reverse(
            "plans:autosave_answer",
            kwargs={"plan_id": plan.pk, "phase_slug": phase.slug, "question_key": question.key},
        )

    return url
