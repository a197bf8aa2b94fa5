"""Saving one answer from its phase page as it is typed (htmx): its status line back, the
phase's count and which questions apply now."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from microcred.plans.progress import phase_progress
from microcred.plans.selectors import hidden_questions, phase_or_404, plans_with_version
from microcred.questionnaires.selectors import QuestionItem

from ..answers import save_answers
from ..forms import PhaseAnswersForm, render_answer_status
from ..permissions import plan_access_or_404


@login_required
@require_POST
def autosave_answer(request, plan_id, phase_slug, question_key):
    """Save one question's answer from the phase page (htmx) and return its status line."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    access.require_writer()
    plan = access.plan
    phase = phase_or_404(plan, phase_slug)
    question = phase.questions.filter(key=question_key).first()
    if question is None:
        return HttpResponseBadRequest(f"This phase has no question “{question_key}”.")
    answer = plan.answers.filter(question=question).select_related("updated_by").first()
    item = QuestionItem(question=question, number="", depth=0, answer=answer)
    form = PhaseAnswersForm(request.POST, items=[item])
    form.is_valid()
    outcomes = save_answers(plan=plan, submissions=form.submissions(), user=request.user)
    form.record_outcomes(outcomes)
    # No outcome means a field failed form validation (e.g. an option that is not offered).
    error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    status = render_answer_status(
        item=item,
        revision=form.base_revision(question),
        outcome=outcomes[0] if outcomes else None,
        error=error,
        inner_only=True,
    )
    progress = next(p for p in phase_progress([plan])[plan.pk] if p.phase.pk == phase.pk)
    response = HttpResponse(status + render_to_string("plans/_phase_count.html", {"p": progress}))
    # The questions of the phase that do not apply now, so that the page hides them (and
    # shows the others) as this answer decides.
    hidden = hidden_questions(plan)
    keys = [q.key for q in phase.questions.only("key") if q.pk in hidden]
    response.headers["HX-Trigger"] = json.dumps({"questionsApply": {"hidden": keys}})
    return response
