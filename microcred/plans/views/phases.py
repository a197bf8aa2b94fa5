"""A phase's page: its questions with their answers, tables and panels, saved as a whole
or one answer at a time (autosave)."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from microcred.plans.selectors import (
    hidden_questions,
    phase_or_404,
    phase_questions_with_answers,
    plans_with_version,
)

from ..answer_forms import PhaseAnswersForm, autosave_url_for
from ..answers import save_answers
from ..models import Answer
from ..page_cache import cached_page_content, plan_page_key, with_csrf_token
from ..permissions import plan_access_or_404
from ..readiness_checks import PhaseReadiness, readiness_by_phase
from .phase_page import phase_page, phase_page_content


@login_required
@require_http_methods(["GET", "POST"])
def phase_answers(request, plan_id, phase_slug):
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    if request.method == "GET":
        key = plan_page_key("phase", access, phase_slug)
        page = cached_page_content(
            request,
            key,
            lambda: _phase_page(request, access, phase_or_404(access.plan, phase_slug)),
        )
        return render(request, "plans/phase_answers.html", page)
    access.require_writer()
    plan = access.plan
    phase = phase_or_404(plan, phase_slug)
    form = _phase_form(request, access, phase)
    form.is_valid()
    outcomes = save_answers(
        plan=plan,
        submissions=form.submissions(),
        user=request.user,
        # The page's items hold the plan's Answer rows (StoredAnswer is the engine's view).
        stored={item.question.pk: cast(Answer | None, item.answer) for item in form.items},
    )
    form.record_outcomes(outcomes)
    saved = sum(outcome.saved for outcome in outcomes)
    if not form.errors:
        messages.success(request, saved_message(saved))
        return redirect("plans:phase", plan_id=plan.pk, phase_slug=phase.slug)
    messages.error(request, refused_message(refused=len(form.errors), saved=saved))
    page = _phase_page(request, access, phase, form=form)
    return render(request, "plans/phase_answers.html", with_csrf_token(request, page))


def _phase_form(request, access, phase) -> PhaseAnswersForm:
    """The page's answers form as posted."""
    plan = access.plan
    return PhaseAnswersForm(
        request.POST,
        items=phase_questions_with_answers(plan=plan, phase=phase),
        autosave_url=autosave_url_for(plan, phase),
        read_only=not access.can_edit_answers,
        hidden_ids=hidden_questions(plan),
    )


def _phase_page(request, access, phase, *, form=None) -> dict:
    """A phase page's title and content (plans/_phase_page.html), with CSRF_PLACEHOLDER
    for the CSRF token: the same for every request of this viewer until the plan changes.
    A form posted back with refusals shows as posted."""
    content = phase_page_content(request, phase_page(access, phase, posted=form))
    return {"title": format_html("{} · {}", phase.title, access.plan.title), "content": content}


def _phase_readiness(plan, phase) -> PhaseReadiness:
    return PhaseReadiness(phase=phase, problems=tuple(readiness_by_phase(plan).get(phase.slug, ())))


@login_required
@require_GET
def phase_readiness_part(request, plan_id, phase_slug):
    """The phase's readiness line, which the phase page fetches again (htmx) once its
    answers and rows save."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    plan = access.plan
    return render(
        request,
        "plans/_phase_readiness.html",
        {
            "plan": plan,
            "p": _phase_readiness(plan, phase_or_404(plan, phase_slug)),
            "open_problems": True,
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
