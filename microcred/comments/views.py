from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from microcred.plans.permissions import plan_access_or_404
from microcred.plans.selectors import phase_or_404, plan_threads, plans_with_version
from microcred.plans.views.outcomes import say_outcome

from .digests import set_comment_emails, wants_comment_emails
from .services import add_comment, set_thread_resolved


def _comment_on_phase_page(request, plan_id, phase_slug):
    """The access and phase of a comment action posted from a phase page."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    return access, phase_or_404(access.plan, phase_slug)


def _post_comment_change(request, success_message, change, **arguments):
    """Make a comment change; its refusal, in words, becomes the page's message."""
    say_outcome(request, partial(change, user=request.user, **arguments), lambda _: success_message)


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


def _set_resolved(request, plan_id, phase_slug, thread_id, *, resolved: bool):
    access, phase = _comment_on_phase_page(request, plan_id, phase_slug)
    _post_comment_change(
        request,
        "Thread resolved." if resolved else "Thread reopened.",
        set_thread_resolved,
        plan=access.plan,
        thread_id=thread_id,
        resolved=resolved,
    )
    return _back_to_phase(access.plan, phase, f"thread-{thread_id}")


@login_required
@require_POST
def comment_resolve(request, plan_id, phase_slug, thread_id):
    return _set_resolved(request, plan_id, phase_slug, thread_id, resolved=True)


@login_required
@require_POST
def comment_reopen(request, plan_id, phase_slug, thread_id):
    return _set_resolved(request, plan_id, phase_slug, thread_id, resolved=False)


THREADS_PER_PAGE = 20


def _whole_thread(request, access, thread_id: str):
    """One thread with every reply (a phase page shows only the newest)."""
    thread = get_object_or_404(
        plan_threads(plan=access.plan, include_resolved=True),
        pk=int(thread_id) if thread_id.isdigit() else 0,
    )
    replies = thread.replies.select_related("author").order_by("created_at", "pk")
    return render(
        request,
        "comments/thread.html",
        {"plan": access.plan, "access": access, "thread": thread, "replies": replies},
    )


@login_required
def plan_comments(request, plan_id):
    """The plan's comment threads, open ones (or all), optionally on one answer."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    plan = access.plan
    question = None
    if key := request.GET.get("question"):
        question = get_object_or_404(
            plan.template_version.questions.select_related("phase"), key=key
        )
    if thread_id := request.GET.get("thread"):
        return _whole_thread(request, access, thread_id)
    include_resolved = request.GET.get("state") == "all"
    threads = plan_threads(plan=plan, question=question, include_resolved=include_resolved)
    page_obj = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    filter_query = ("&state=all" if include_resolved else "") + (
        f"&question={question.key}" if question else ""
    )
    return render(
        request,
        "comments/plan_comments.html",
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
        return redirect("comments:notification_preferences")
    return render(
        request,
        "comments/notification_preferences.html",
        {"comment_emails": wants_comment_emails(request.user)},
    )
