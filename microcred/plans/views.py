from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from microcred.questionnaires.selectors import (
    QuestionItem,
    phase_questions_with_answers,
    version_context,
)
from microcred.questionnaires.services import save_answers
from microcred.reports.selectors import export_panel_context

from .comments import add_comment, set_thread_resolved
from .forms import (
    InvitationSignupForm,
    MemberForm,
    PhaseAnswersForm,
    PlanForm,
    ReviewDecisionForm,
    SubmitForReviewForm,
    autosave_url_for,
    render_answer_status,
)
from .members import (
    accept_invitation,
    accept_invitation_with_new_account,
    invitation_from_token,
    invitation_refusal,
    invitation_sent_message,
    invite_member,
    pending_invitations,
    remove_member,
    withdraw_invitation,
)
from .models import Plan, PlanMembership
from .permissions import plan_access_or_404
from .selectors import (
    answer_history,
    awaiting_review,
    changes_since,
    comparison_round,
    phase_progress,
    phase_threads,
    plan_phase_progress,
    plan_threads,
    plans_with_progress,
    review_rounds,
    unanswered_required_questions,
)
from .services import NoPublishedTemplate, create_plan, display_name
from .workflow import IncompletePlan, decide_review, submit_for_review


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
    return _render_dashboard(request, access, decision_form=ReviewDecisionForm())


def _render_dashboard(request, access, *, decision_form, status=200):
    plan = access.plan
    progress = plan_phase_progress(plan)
    return render(
        request,
        "plans/plan_dashboard.html",
        {
            "plan": plan,
            "access": access,
            "progress": progress,
            "open_comment_total": sum(p.open_comments for p in progress),
            "missing": unanswered_required_questions(plan),
            "rounds": review_rounds(plan),
            "decision_form": decision_form,
            **export_panel_context(plan),
            **version_context(plan, request.user),
        },
        status=status,
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
        access.require_writer()
        form.is_valid()
        outcomes = save_answers(plan=plan, submissions=form.submissions(), user=request.user)
        form.record_outcomes(outcomes)
        saved = sum(outcome.saved for outcome in outcomes)
        if not form.errors:
            messages.success(request, saved_message(saved))
            return redirect("plans:phase", plan_id=plan.pk, phase_slug=phase.slug)
        messages.error(request, refused_message(refused=len(form.errors), saved=saved))
    progress = plan_phase_progress(plan)
    threads = phase_threads(plan=plan, phase=phase)
    return render(
        request,
        "plans/phase_answers.html",
        {
            "plan": plan,
            "phase": phase,
            "form": form,
            "access": access,
            "progress": progress,
            "threads": threads,
            "phase_level_threads": threads.get(None, []),
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
    access.require_writer()
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
    progress = next(p for p in phase_progress([plan])[plan.pk] if p.phase.pk == phase.pk)
    return HttpResponse(status + render_to_string("plans/_phase_count.html", {"p": progress}))


@login_required
@require_http_methods(["GET", "POST"])
def plan_members(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    plan = access.plan
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        access.require(access.can_manage_members, "Only the plan's owner can add members.")
        if form.is_valid():
            try:
                invitation = invite_member(
                    plan=plan,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, invitation_sent_message(invitation))
                return redirect("plans:members", plan_id=plan.pk)
    memberships = sorted(
        plan.memberships.select_related("user", "added_by").order_by("added_at"),
        key=lambda m: list(PlanMembership.Role.values).index(m.role),  # owner first
    )
    return render(
        request,
        "plans/plan_members.html",
        {
            "plan": plan,
            "access": access,
            "memberships": memberships,
            "invitations": pending_invitations(plan) if access.can_manage_members else [],
            "form": form,
        },
    )


@login_required
@require_POST
def plan_member_remove(request, plan_id, membership_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.can_manage_members, "Only the plan's owner can remove members.")
    try:
        remove_member(plan=access.plan, membership_id=membership_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Removed from the plan.")
    return redirect("plans:members", plan_id=plan_id)


@login_required
@require_POST
def plan_invitation_withdraw(request, plan_id, invitation_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.can_manage_members, "Only the plan's owner can withdraw invitations.")
    try:
        invitation = withdraw_invitation(plan=access.plan, invitation_id=invitation_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Invitation to {invitation.email} withdrawn: its link no longer works."
        )
    return redirect("plans:members", plan_id=plan_id)


@require_http_methods(["GET", "POST"])
def invitation_page(request, token):
    """Where an invitation's link leads: a logged-in user joins with their account; anyone
    else logs in to come back and join, or creates an account (not for a reviewer, who
    needs a committee account). A link that no longer works says why, with no error page."""
    try:
        invitation = invitation_from_token(token)
    except ValidationError as error:
        return _invitation_closed(request, " ".join(error.messages), status=404)
    plan = invitation.plan
    if invitation.accepted_at and plan.memberships.filter(user=request.user.pk).exists():
        return redirect(plan)
    refusal = invitation_refusal(invitation)
    if refusal:
        return _invitation_closed(request, refusal, status=410)
    role = invitation.get_role_display().lower()
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                accept_invitation(invitation=invitation, user=request.user)
            except ValidationError as error:
                return _invitation_closed(request, " ".join(error.messages), status=409)
            messages.success(request, f"You joined “{plan.title}” as {role}.")
            return redirect(plan)
    elif invitation.role != PlanMembership.Role.REVIEWER:
        form = InvitationSignupForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                user = accept_invitation_with_new_account(
                    invitation=invitation,
                    username=form.cleaned_data["username"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                # No authenticate(): the new password was just set, and the link proves
                # the address; so the backend is named.
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, f"Welcome, {display_name(user)}. You joined “{plan.title}” as {role}."
                )
                return redirect(plan)
    return render(
        request,
        "plans/invitation.html",
        {"invitation": invitation, "plan": plan, "role": role, "form": form},
    )


def _invitation_closed(request, message, *, status):
    return render(request, "plans/invitation_closed.html", {"message": message}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_submit(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    access.require(
        access.can_submit,
        f"Only the owner can submit this plan, and only as a draft or after changes were "
        f"requested; it is {plan.get_status_display().lower()}.",
    )
    missing = unanswered_required_questions(plan)
    form = SubmitForReviewForm(request.POST or None, missing=missing)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = submit_for_review(
                plan=plan,
                user=request.user,
                note=form.cleaned_data["note"],
                confirm_incomplete=form.cleaned_data.get("confirm_incomplete", False),
            )
        except IncompletePlan as incomplete:
            form.add_error(
                "confirm_incomplete",
                f"Tick this box to submit with {len(incomplete.missing)} required question"
                f"{pluralize(len(incomplete.missing))} unanswered, or answer them first.",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Submitted for review (round {review_round.number}). Its answers are locked "
                "until a reviewer requests changes or approves it.",
            )
            return redirect(plan)
    return render(
        request, "plans/plan_submit.html", {"plan": plan, "missing": missing, "form": form}
    )


@login_required
@require_POST
def plan_decide(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    access.require(access.can_decide, access.decide_refusal)
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        try:
            review_round = decide_review(
                plan=access.plan,
                user=request.user,
                decision=request.POST.get("decision", ""),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request,
                f"{review_round.get_decision_display()}: the owner and editors are notified.",
            )
            return redirect(access.plan)
    return _render_dashboard(request, access, decision_form=form, status=400)


@login_required
@require_POST
def phase_comment(request, plan_id, phase_slug):
    """Add a comment or reply, or resolve or reopen a thread, from a phase page. The
    button pressed says which: `action` is add:<question key>, add:phase, reply:<thread
    id>, resolve:<thread id> or reopen:<thread id>."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    phase = _phase_or_404(plan, phase_slug)
    verb, _, target = request.POST.get("action", "").partition(":")
    anchor = "comments-phase"
    try:
        if verb == "add":
            question = None
            if target != "phase":
                question = phase.questions.filter(key=target).first()
                if question is None:
                    return HttpResponseBadRequest(f"This phase has no question “{target}”.")
                anchor = f"q-{question.key}"
            add_comment(
                plan=plan,
                user=request.user,
                body=request.POST.get(f"body-{target}", ""),
                phase=phase,
                question=question,
            )
            messages.success(request, "Comment posted.")
        elif verb in ("reply", "resolve", "reopen") and target.isdigit():
            thread = plan.comments.filter(pk=int(target), thread__isnull=True).first()
            if thread is None:
                return HttpResponseBadRequest("No such comment thread on this plan.")
            anchor = f"thread-{thread.pk}"
            if verb == "reply":
                add_comment(
                    plan=plan,
                    user=request.user,
                    body=request.POST.get(f"reply-{thread.pk}", ""),
                    phase=phase,
                    thread=thread,
                )
                messages.success(request, "Reply posted.")
            else:
                set_thread_resolved(
                    plan=plan, thread_id=thread.pk, user=request.user, resolved=verb == "resolve"
                )
                messages.success(
                    request, "Thread resolved." if verb == "resolve" else "Thread reopened."
                )
        else:
            return HttpResponseBadRequest("Unknown comment action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(
        reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": phase.slug}) + f"#{anchor}"
    )


@login_required
def plan_changes(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    since_round = comparison_round(plan)
    changes = changes_since(plan, since_round.submitted_at) if since_round else []
    return render(
        request,
        "plans/plan_changes.html",
        {"plan": plan, "access": access, "since_round": since_round, "changes": changes},
    )


@login_required
def answer_history_page(request, plan_id, question_key):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    question = get_object_or_404(
        plan.template_version.questions.select_related("phase"), key=question_key
    )
    return render(
        request,
        "plans/answer_history.html",
        {
            "plan": plan,
            "question": question,
            "entries": answer_history(plan=plan, question=question),
        },
    )


@login_required
def review_queue(request):
    return render(request, "plans/review_queue.html", {"rows": awaiting_review(request.user)})


THREADS_PER_PAGE = 20


@login_required
def plan_comments(request, plan_id):
    """The plan's comment threads, open ones (or all), optionally on one answer."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    question = None
    if key := request.GET.get("question"):
        question = get_object_or_404(
            plan.template_version.questions.select_related("phase"), key=key
        )
    include_resolved = request.GET.get("state") == "all"
    threads = plan_threads(plan=plan, question=question, include_resolved=include_resolved)
    page_obj = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    filter_query = ("&state=all" if include_resolved else "") + (
        f"&question={question.key}" if question else ""
    )
    return render(
        request,
        "plans/plan_comments.html",
        {
            "plan": plan,
            "access": access,
            "question": question,
            "include_resolved": include_resolved,
            "page_obj": page_obj,
            "filter_query": filter_query,
        },
    )
