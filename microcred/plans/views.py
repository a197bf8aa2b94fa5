import json
import re
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.views.decorators.http import require_http_methods, require_POST

from microcred.questionnaires.selectors import QuestionItem, newer_published_version
from microcred.records.history import row_history
from microcred.records.registry import REGISTRY, record_tables
from microcred.reports.selectors import (
    EXPORT_PANEL_SIZE,
    export_panel_context,
    export_states,
    exports_of,
    with_approved_pdfs,
)

from .answers import save_answers
from .archive import archive_plan, restore_plan
from .comment_digests import set_comment_emails, wants_comment_emails
from .comments import add_comment, set_thread_resolved
from .forms import (
    InvitationSignupForm,
    MemberForm,
    MoveVersionForm,
    PhaseAnswersForm,
    PlanForm,
    PlanSettingsForm,
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
from .models import Plan, PlanMembership, ReviewRound
from .outbox import notification_delayed
from .page_cache import (
    CSRF_PLACEHOLDER,
    cached_fragments,
    cached_page_content,
    fragment_key,
    plan_page_key,
    with_csrf_token,
)
from .panels import dashboard_sections, phase_panels
from .permissions import plan_access_or_404
from .readiness_checks import cached_plan_readiness, readiness_by_phase
from .record_views import record_set_context
from .selectors import (
    answer_history,
    awaiting_review,
    changes_since,
    comparison_round,
    hidden_questions,
    phase_progress,
    phase_questions_with_answers,
    phase_threads,
    plan_activity,
    plan_phase_progress,
    plan_threads,
    review_rounds,
    unanswered_required_questions,
    version_context,
    visible_plans,
)
from .services import NoPublishedTemplate, create_plan, display_name, update_plan_settings
from .site_roles import site_roles
from .version_moves import MoveRefused, VersionMove, move_plan_to_version, version_move
from .workflow import IncompletePlan, decide_review, reopen_plan, submit_for_review


@login_required
def landing(request):
    """Where the site's address and a login without ?next= lead: a committee reviewer who
    writes no plan goes to the plans awaiting their review, everyone else to their plans."""
    roles = site_roles(request.user)
    if roles.reviews and not roles.writes and not request.user.is_superuser:
        return redirect("plans:review_queue")
    return redirect("plans:list")


@login_required
def plan_list(request):
    return render(
        request,
        "plans/plan_list.html",
        {"cards": plan_cards(visible_plans(request.user)), "record_types": REGISTRY.values()},
    )


@login_required
def archived_plans(request):
    cards = plan_cards(visible_plans(request.user, archived=True))
    return render(request, "plans/archived_plans.html", {"cards": cards})


def plan_cards(plans) -> list:
    """Each plan's card on a list of plans, with its progress. A card is the same for
    everyone who sees the plan: it is rendered once per change of the plan (and per
    wording of how long ago that was), and cached."""
    keys = {
        plan: fragment_key(
            "plan-card",
            plan.pk,
            plan.template_version_id,
            plan.updated_at.isoformat(),
            naturaltime(plan.updated_at),
        )
        for plan in plans
    }

    def render_cards(missing):
        progress = phase_progress(missing)
        return {
            plan: render_to_string(
                "plans/_plan_card.html", {"plan": plan, "progress": progress[plan.pk]}
            )
            for plan in missing
        }

    cards = cached_fragments(keys, render_cards)
    return [cards[plan] for plan in plans]


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    # Most people plan for one organization: offer the one of their latest plan.
    last_organization = (
        Plan.objects.filter(created_by=request.user)
        .order_by("-created_at", "-pk")
        .values_list("organization", flat=True)
        .first()
    )
    form = PlanForm(request.POST or None, initial={"organization": last_organization})
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(user=request.user, **form.cleaned_data)
        except NoPublishedTemplate as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Plan “{plan.title}” created.")
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_settings(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require_writer()
    plan = access.plan
    form = PlanSettingsForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            update_plan_settings(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect(plan)
    return render(
        request, "plans/plan_settings.html", {"plan": plan, "access": access, "form": form}
    )


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages_of_field in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_of_field)
    else:
        form.add_error(None, error.messages)


# A plan with fewer answers than this opens with "How this works" (what each phase is for,
# and where to begin); once people are under way, the phase list says enough.
START_PANEL_BELOW_ANSWERS = 5


def _start_panel_phases(access, progress):
    """The phases with a one-line purpose each, for "How this works", or None when the
    panel is not shown: the plan is under way, or the user cannot answer."""
    answered = sum(p.answered for p in progress)
    if not access.can_edit_answers or answered >= START_PANEL_BELOW_ANSWERS:
        return None
    # A phase's intro opens with what the phase is for, up to the first colon or full stop.
    return [(p.phase, re.split(r"[:.;](?:\s|$)", p.phase.intro, maxsplit=1)[0]) for p in progress]


@login_required
def plan_dashboard(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    # Looked up on every request: workers change exports, admins publish versions, and
    # neither stamps the plan. What the panel shows of an export changes with these.
    newer_version = newer_published_version(plan.template_version)
    key = plan_page_key(
        "dashboard", access, newer_version.pk if newer_version else None, export_states(plan)
    )
    page = cached_page_content(
        request, key, lambda: _dashboard_page(request, access, newer_version)
    )
    return render(request, "plans/plan_dashboard.html", page)


def _dashboard_page(request, access, newer_version) -> dict:
    plan = access.plan
    exports = exports_of(plan, limit=EXPORT_PANEL_SIZE)
    progress = plan_phase_progress(plan)
    missing = unanswered_required_questions(plan)
    # While the answers are locked the missing list names the questions left; the
    # phases do not offer them as things to do.
    readiness = readiness_by_phase(plan, missing=() if plan.answers_lock_reason else missing)
    progress = [replace(p, problems=tuple(readiness.get(p.phase.slug, ()))) for p in progress]
    content = render_to_string(
        "plans/_dashboard_page.html",
        {
            "plan": plan,
            "access": access,
            "progress": progress,
            "open_comment_total": sum(p.open_comments for p in progress),
            "start_phases": _start_panel_phases(access, progress),
            "missing": missing,
            "rounds": with_approved_pdfs(plan, review_rounds(plan)),
            "dashboard_sections": dashboard_sections(plan, today=timezone.localdate()),
            **export_panel_context(plan, exports=exports),
            **version_context(plan, access=access, newer_version=newer_version),
            "csrf_token": CSRF_PLACEHOLDER,
        },
        request=request,
    )
    return {"title": conditional_escape(plan.title), "content": content}


def _plans_with_version():
    return Plan.objects.select_related("template_version")


def _phase_or_404(plan, phase_slug):
    return get_object_or_404(plan.template_version.phases, slug=phase_slug)


@login_required
@require_http_methods(["GET", "POST"])
def phase_answers(request, plan_id, phase_slug):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    if request.method == "GET":
        key = plan_page_key("phase", access, phase_slug)
        page = cached_page_content(
            request,
            key,
            lambda: _phase_page(request, access, _phase_or_404(access.plan, phase_slug)),
        )
        return render(request, "plans/phase_answers.html", page)
    access.require_writer()
    plan = access.plan
    phase = _phase_or_404(plan, phase_slug)
    form = _phase_form(request, access, phase)
    form.is_valid()
    outcomes = save_answers(plan=plan, submissions=form.submissions(), user=request.user)
    form.record_outcomes(outcomes)
    saved = sum(outcome.saved for outcome in outcomes)
    if not form.errors:
        messages.success(request, saved_message(saved))
        return redirect("plans:phase", plan_id=plan.pk, phase_slug=phase.slug)
    messages.error(request, refused_message(refused=len(form.errors), saved=saved))
    page = _phase_page(request, access, phase, form=form)
    return render(request, "plans/phase_answers.html", with_csrf_token(request, page))


def _phase_form(request, access, phase, *, bound=True) -> PhaseAnswersForm:
    plan = access.plan
    return PhaseAnswersForm(
        request.POST if bound and request.method == "POST" else None,
        items=phase_questions_with_answers(plan=plan, phase=phase),
        autosave_url=autosave_url_for(plan, phase),
        read_only=not access.can_edit_answers,
        hidden_ids=hidden_questions(plan),
    )


def _phase_page(request, access, phase, *, form=None) -> dict:
    """A phase page's title and content (plans/_phase_page.html), with CSRF_PLACEHOLDER
    for the CSRF token: the same for every request of this viewer until the plan changes."""
    plan = access.plan
    form = form or _phase_form(request, access, phase, bound=False)
    progress = plan_phase_progress(plan)
    threads = phase_threads(plan=plan, phase=phase)
    tables = record_tables(plan, [item.question for item in form.items])
    panels = phase_panels(
        plan,
        phase.slug,
        {item.question.key for item in form.items if item.question.id not in form.hidden_ids},
        access=access,
    )
    content = render_to_string(
        "plans/_phase_page.html",
        {
            "plan": plan,
            "phase": phase,
            "form": form,
            "record_sets": {
                question_id: record_set_context(plan, table, editable=access.can_edit_answers)
                for question_id, table in tables.items()
            },
            "access": access,
            "panels": panels,
            "end_panels": panels.get("", []),
            "progress": progress,
            "threads": threads,
            "phase_level_threads": threads.get(None, []),
            "previous_phase": _neighbour(progress, phase, -1),
            "next_phase": _neighbour(progress, phase, +1),
            "csrf_token": CSRF_PLACEHOLDER,
        },
        request=request,
    )
    return {"title": format_html("{} · {}", phase.title, plan.title), "content": content}


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
    response = HttpResponse(status + render_to_string("plans/_phase_count.html", {"p": progress}))
    # The questions of the phase that do not apply now, so that the page hides them (and
    # shows the others) as this answer decides.
    hidden = hidden_questions(plan)
    keys = [q.key for q in phase.questions.only("key") if q.pk in hidden]
    response.headers["HX-Trigger"] = json.dumps({"questionsApply": {"hidden": keys}})
    return response


# The Members page lists this many of the newest activity entries; "Show all" the rest.
ACTIVITY_SHOWN = 20


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
    show_all_activity = request.GET.get("activity") == "all"
    activities, more_activity = plan_activity(
        plan,
        limit=None if show_all_activity else ACTIVITY_SHOWN,
        include_invitations=access.can_manage_members,
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
            "activities": activities,
            "more_activity": more_activity,
        },
    )


@login_required
@require_POST
def plan_member_remove(request, plan_id, membership_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(access.can_manage_members, "Only the plan's owner can remove members.")
    try:
        remove_member(plan=access.plan, membership_id=membership_id, removed_by=request.user)
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
        invitation = withdraw_invitation(
            plan=access.plan, invitation_id=invitation_id, withdrawn_by=request.user
        )
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
    problems = cached_plan_readiness(plan)
    form = SubmitForReviewForm(request.POST or None, missing=missing, problems=problems)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = submit_for_review(
                plan=plan,
                user=request.user,
                note=form.cleaned_data["note"],
                confirm_incomplete=form.cleaned_data.get("confirm_incomplete", False),
            )
        except IncompletePlan as incomplete:
            form.add_error("confirm_incomplete", incomplete_message(incomplete))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            message = (
                f"Submitted for review (round {review_round.number}). Its answers are locked "
                "until a reviewer requests changes or approves it."
            )
            if notification_delayed(event="submitted", object_id=review_round.pk):
                message += (
                    " The e-mail to the reviewers will go out shortly; the mail service is busy."
                )
            messages.success(request, message)
            return redirect(plan)
    return render(
        request,
        "plans/plan_submit.html",
        {"plan": plan, "missing": missing, "readiness_problems": problems, "form": form},
    )


def incomplete_message(incomplete: IncompletePlan) -> str:
    missing, problems = len(incomplete.missing), len(incomplete.problems)
    what = []
    if missing:
        what.append(f"{missing} required question{pluralize(missing)} unanswered")
    if problems:
        what.append(f"{problems} readiness check{pluralize(problems)} failing")
    return f"Tick this box to submit with {' and '.join(what)}, or fix them first."


# The decision page lists this many open threads; the Comments page has them all.
DECISION_THREADS_SHOWN = 10


@login_required
@require_http_methods(["GET", "POST"])
def plan_decide(request, plan_id):
    """The page where a reviewer confirms a decision (named by `decision`, in the query
    string and then in the form) after seeing what is still open on the plan."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    access.require(access.can_decide, access.decide_refusal)
    plan = access.plan
    data = request.POST if request.method == "POST" else None
    decision = (data or request.GET).get("decision", "")
    if decision not in ReviewRound.Decision.values:
        return HttpResponseBadRequest("Choose “Request changes” or “Approve”.")
    form = ReviewDecisionForm(data, decision=decision)
    if data is not None and form.is_valid():
        try:
            review_round = decide_review(
                plan=plan, user=request.user, decision=decision, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{review_round.get_decision_display()}: the owner and editors are notified.",
            )
            return redirect(plan)
    threads = plan_threads(plan=plan)
    return render(
        request,
        "plans/plan_decide.html",
        {
            "plan": plan,
            "form": form,
            "approving": decision == ReviewRound.Decision.APPROVED,
            "rounds": review_rounds(plan),
            "missing": unanswered_required_questions(plan),
            "open_threads": list(threads[:DECISION_THREADS_SHOWN]),
            "open_thread_total": threads.count(),
            "readiness_problems": cached_plan_readiness(plan),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plan_reopen(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(
        access.can_reopen,
        "Only the plan's owner can reopen it for revision, and only once it is approved; it "
        f"is {access.plan.get_status_display().lower()}.",
    )
    try:
        review_round = reopen_plan(plan=access.plan, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Reopened for revision: the answers can change again. Round {review_round.number}'s "
            f"approval stays in the review history; the next submission opens round "
            f"{review_round.number + 1}.",
        )
    return redirect(access.plan)


def _comment_on_phase_page(request, plan_id, phase_slug):
    """The access and phase of a comment action posted from a phase page."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    return access, _phase_or_404(access.plan, phase_slug)


def _post_comment_change(request, success_message, change, **arguments):
    """Make a comment change; its refusal, in words, becomes the page's message."""
    try:
        change(user=request.user, **arguments)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success_message)


def _back_to_phase(plan, phase, anchor):
    return redirect(
        reverse("plans:phase", kwargs={"plan_id": plan.pk, "phase_slug": phase.slug}) + f"#{anchor}"
    )


@login_required
@require_POST
def comment_add(request, plan_id, phase_slug, question_key=None):
    """A new thread on the phase, or on its question `question_key`; the phase page's
    comment form holds one text box per question, named after it."""
    access, phase = _comment_on_phase_page(request, plan_id, phase_slug)
    question = question_key and get_object_or_404(phase.questions, key=question_key)
    body = request.POST.get(f"body-{question_key or 'phase'}", "")
    _post_comment_change(
        request,
        "Comment posted.",
        add_comment,
        plan=access.plan,
        body=body,
        phase=phase,
        question=question,
    )
    return _back_to_phase(access.plan, phase, f"q-{question_key}" if question else "comments-phase")


@login_required
@require_POST
def comment_reply(request, plan_id, phase_slug, thread_id):
    access, phase = _comment_on_phase_page(request, plan_id, phase_slug)
    thread = get_object_or_404(access.plan.comments, pk=thread_id, thread__isnull=True)
    body = request.POST.get(f"reply-{thread.pk}", "")
    _post_comment_change(
        request,
        "Reply posted.",
        add_comment,
        plan=access.plan,
        body=body,
        phase=phase,
        thread=thread,
    )
    return _back_to_phase(access.plan, phase, f"thread-{thread.pk}")


@login_required
@require_POST
def comment_resolve(request, plan_id, phase_slug, thread_id):
    access, phase = _comment_on_phase_page(request, plan_id, phase_slug)
    _post_comment_change(
        request,
        "Thread resolved.",
        set_thread_resolved,
        plan=access.plan,
        thread_id=thread_id,
        resolved=True,
    )
    return _back_to_phase(access.plan, phase, f"thread-{thread_id}")


@login_required
@require_POST
def comment_reopen(request, plan_id, phase_slug, thread_id):
    access, phase = _comment_on_phase_page(request, plan_id, phase_slug)
    _post_comment_change(
        request,
        "Thread reopened.",
        set_thread_resolved,
        plan=access.plan,
        thread_id=thread_id,
        resolved=False,
    )
    return _back_to_phase(access.plan, phase, f"thread-{thread_id}")


@login_required
def plan_changes(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    since_round = comparison_round(plan)
    changes = changes_since(plan, since_round.submitted_at) if since_round else []
    rounds = review_rounds(plan)
    return render(
        request,
        "plans/plan_changes.html",
        {
            "plan": plan,
            "access": access,
            "since_round": since_round,
            "changes": changes,
            # The round whose note the reviewers read beside the changes.
            "under_review": rounds[-1] if rounds and rounds[-1].is_open else None,
        },
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
            "row_changes": row_history(plan=plan, question=question)
            if question.kind == question.Kind.RECORD_SET
            else None,
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


@login_required
@require_http_methods(["GET", "POST"])
def plan_archive(request, plan_id):
    """The page where the owner confirms archiving the plan, after reading what it means."""
    access = plan_access_or_404(request.user, plan_id, queryset=_plans_with_version())
    plan = access.plan
    access.require(
        access.can_archive,
        "Only the plan's owner can archive it, and not while it is in review; it is "
        f"{plan.get_status_display().lower()}.",
    )
    if request.method == "POST":
        try:
            archive_plan(plan=plan, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"“{plan.title}” is archived: it is listed under Archived plans, and you can "
                "restore it from its page.",
            )
        return redirect(plan)
    return render(request, "plans/plan_archive.html", {"plan": plan})


@login_required
@require_POST
def plan_restore(request, plan_id):
    access = plan_access_or_404(request.user, plan_id)
    access.require(
        access.can_restore,
        "Only the plan's owner can restore it, and only once it is archived; it is "
        f"{access.plan.get_status_display().lower()}.",
    )
    try:
        plan = restore_plan(plan=access.plan, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Restored: the plan is back in My plans, {plan.get_status_display().lower()}."
        )
    return redirect(access.plan)


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    if request.method == "POST":
        enabled = request.POST.get("comment_emails") == "on"
        set_comment_emails(user=request.user, enabled=enabled)
        messages.success(
            request,
            "Saved: you will get e-mails about new comments."
            if enabled
            else "Saved: you will get no e-mails about comments.",
        )
        return redirect("plans:notification_preferences")
    return render(
        request,
        "plans/notification_preferences.html",
        {"comment_emails": wants_comment_emails(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def move_version(request, plan_id):
    """What moving the plan to the newer published version changes, and the button that
    moves it. For the plan's owner."""
    access = plan_access_or_404(
        request.user, plan_id, queryset=Plan.objects.select_related("template_version")
    )
    if not access.is_owner:
        raise PermissionDenied("Only the plan’s owner can move it to a newer template version.")
    plan = access.plan
    if plan.answers_lock_reason:
        messages.error(request, plan.answers_lock_reason)
        return redirect(plan)
    target = newer_published_version(plan.template_version)
    if target is None:
        messages.info(
            request,
            f"This plan is on the latest template version ({plan.template_version.number}).",
        )
        return redirect(plan)
    form = MoveVersionForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            move = move_plan_to_version(plan=plan, version=target, user=request.user)
        except MoveRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, moved_message(move))
        return redirect(plan)
    return render(
        request,
        "plans/move_plan.html",
        {"plan": plan, "move": version_move(plan=plan, target=target), "form": form},
    )


def moved_message(move: VersionMove) -> str:
    carried = len(move.carried_answers)
    archived = len(move.archived)
    message = (
        f"Moved to template version {move.target.number}: "
        f"{carried} answer{pluralize(carried)} carried over"
    )
    if archived:
        message += f", {archived} kept under “Archived answers”"
    return message + "."
