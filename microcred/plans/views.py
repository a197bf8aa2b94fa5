from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST

from microcred.questionnaires.selectors import QuestionItem, phase_questions_with_answers
from microcred.questionnaires.services import save_answers
from microcred.reports.selectors import export_panel_context

from .forms import PhaseAnswersForm, PlanForm, autosave_url_for, render_answer_status
from .models import Plan
from .permissions import plan_access_or_404
from .selectors import (
    phase_progress,
    phase_progress_of,
    plans_with_progress,
    unanswered_required_questions,
)
from .services import NoPublishedTemplate, create_plan


@login_required
def plan_list(request):
    return render(request, "plans/plan_list.html", {"plans": plans_with_progress(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(user=request.user, **form.cleaned_data)
        except NoPublishedTemplate as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Plan “{plan.title}” created. Start with any phase.")
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
def plan_dashboard(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    return render(
        request,
        "plans/plan_dashboard.html",
        {
            "plan": plan,
            "access": access,
            "progress": phase_progress([plan])[plan.pk],
            "missing": unanswered_required_questions(plan),
            **export_panel_context(plan),
        },
    )


def _plans_with_version():
    return Plan.objects.select_related("template_version", "created_by")


def _phase_or_404(plan, phase_slug):
    return get_object_or_404(plan.template_version.phases, slug=phase_slug)


@login_required
@require_http_methods(["GET", "POST"])
def phase_answers(request, plan_id, phase_slug):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    phase = _phase_or_404(plan, phase_slug)
    items = phase_questions_with_answers(plan=plan, phase=phase)
    form = PhaseAnswersForm(
        request.POST if request.method == "POST" else None,
        items=items,
        autosave_url=autosave_url_for(plan, phase),
        read_only=not access.can_edit_answers,
    )
    if request.method == "POST":
        access.require_edit()
        form.is_valid()
        outcomes = save_answers(plan=plan, submissions=form.submissions(), user=request.user)
        form.record_outcomes(outcomes)
        saved = sum(outcome.saved for outcome in outcomes)
        if not form.errors:
            messages.success(request, saved_message(saved))
            return redirect("plans:phase", plan_id=plan.pk, phase_slug=phase.slug)
        messages.error(request, refused_message(refused=len(form.errors), saved=saved))
    progress = phase_progress([plan])[plan.pk]
    return render(
        request,
        "plans/phase_answers.html",
        {
            "plan": plan,
            "phase": phase,
            "form": form,
            "access": access,
            "progress": progress,
            "previous_phase": _neighbour(progress, phase, -1),
            "next_phase": _neighbour(progress, phase, +1),
        },
    )


def saved_message(saved: int) -> str:
    # Autosave may already have stored what the button sends: nothing new is still "saved".
    if not saved:
        return "All answers on this page are saved."
    return f"Saved {saved} answer{pluralize(saved)}. All answers on this page are saved."


def refused_message(*, refused: int, saved: int) -> str:
    message = (
        f"{refused} answers could not be saved; see the messages beside them."
        if refused > 1
        else "1 answer could not be saved; see the message beside it."
    )
    if saved:
        message += f" {saved} other answer{pluralize(saved)} saved."
    return message


def _neighbour(progress, phase, step):
    slugs = [p.phase.slug for p in progress]
    index = slugs.index(phase.slug) + step
    return progress[index].phase if 0 <= index < len(progress) else None


@login_required
@require_POST
def autosave_answer(request, plan_id, phase_slug, question_key):
    """Save one question's answer from the phase page (htmx) and return its status line."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    access.require_edit()
    plan = access.plan
    phase = _phase_or_404(plan, phase_slug)
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
    error = " ".join(e for errors in form.errors.values() for e in errors)
    status = render_answer_status(
        item=item,
        revision=form.base_revision(question),
        outcome=outcomes[0] if outcomes else None,
        error=error,
        inner_only=True,
    )
    progress = phase_progress_of(plan=plan, phase=phase)
    return HttpResponse(status + render_to_string("plans/_phase_count.html", {"p": progress}))
