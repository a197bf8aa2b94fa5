"""Saving one answer from its phase page as it is typed (htmx): its status line back, the
phase's count and which questions apply now."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from microcred.plans.progress import phase_progress_after_save
from microcred.plans.selectors import (
    condition_questions,
    phase_question_or_404,
    plans_with_version,
    version_conditions,
)
from microcred.questionnaires.selectors import QuestionItem

from ..answer_forms import PhaseAnswersForm, render_answer_status
from ..answers import save_answers
from ..permissions import plan_access_or_404


@login_required
@require_POST
def autosave_answer(request, plan_id, phase_slug, question_key):
    """Save one question's answer from the phase page (htmx) and return its status line;
    with it, when the save changed them, the phase's count of answered questions and
    (HX-Trigger) the questions of the phase that do not apply now, for the page to hide."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    access.require_writer()
    plan = access.plan
    question = phase_question_or_404(plan, phase_slug, question_key)
    if question is None:
        return HttpResponseBadRequest(f"This phase has no question “{question_key}”.")
    answer = plan.answers.filter(question=question).first()
    was_answered = answer is not None and answer.is_answered
    item = QuestionItem(question=question, number="", depth=0, answer=answer)
    form = PhaseAnswersForm(request.POST, items=[item])
    form.is_valid()
    outcomes = save_answers(
        plan=plan, submissions=form.submissions(), user=request.user, stored={question.pk: answer}
    )
    form.record_outcomes(outcomes)
    outcome = outcomes[0] if outcomes else None
    # No outcome means a field failed form validation (e.g. an option that is not offered).
    error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    response = HttpResponse(
        render_answer_status(
            item=item,
            revision=form.base_revision(question),
            outcome=outcome,
            error=error,
            inner_only=True,
        )
    )
    if outcome is None or not outcome.saved:
        return response
    # Whether the page may show the wrong questions: the answer decides whether others
    # apply, or this question may not apply (the page may be older than the answer that
    # decides it). Otherwise only an answer given or cleared changes the phase's count.
    conditions = version_conditions(plan.template_version).involve(question)
    if conditions or was_answered != outcome.is_answered:
        questions = condition_questions([plan.template_version_id])
        progress, hidden_keys = phase_progress_after_save(plan, question.phase, questions)
        response.write(render_to_string("plans/_phase_count.html", {"p": progress}))
        if conditions:
            response.headers["HX-Trigger"] = json.dumps({"questionsApply": {"hidden": hidden_keys}})
    return response
