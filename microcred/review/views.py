"""The review workflow's pages: submitting, deciding, reopening, what changed since the
last round, the review queue."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from microcred.plans.models import ReviewRound
from microcred.plans.outbox import notification_delayed
from microcred.plans.permissions import plan_access_or_404
from microcred.plans.readiness import readiness_problem_count
from microcred.plans.readiness_checks import readiness_of_every_phase
from microcred.plans.selectors import (
    plan_threads,
    plans_with_version,
    review_rounds,
)
from microcred.plans.views.outcomes import say_outcome

from .forms import ReviewDecisionForm, SubmitForReviewForm
from .selectors import (
    awaiting_review,
    changes_since,
    comparison_round,
    missing_reviewer,
    plan_reviewers,
)
from .services import IncompletePlan, decide_review, reopen_plan, submit_for_review

# The submit and decision pages list this many open threads; the Comments page has them all.
OPEN_THREADS_SHOWN = 10


def open_threads_context(plan) -> dict:
    """What review/_open_threads.html shows: the first open threads, and how many there are."""
    threads = plan_threads(plan=plan)
    return {
        "open_threads": list(threads[:OPEN_THREADS_SHOWN]),
        "open_thread_total": threads.count(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_submit(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    plan = access.plan
    access.require(access.can_submit, access.submit_refusal)
    readiness = readiness_of_every_phase(plan)
    form = SubmitForReviewForm(request.POST or None, problems=readiness.problems)
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
        "review/plan_submit.html",
        {
            "plan": plan,
            "readiness": readiness,
            **open_threads_context(plan),
            "reviewer_missing": missing_reviewer(plan=plan, reviewers=plan_reviewers(plan=plan)),
            "form": form,
        },
    )


def incomplete_message(incomplete: IncompletePlan) -> str:
    count = readiness_problem_count(len(incomplete.problems))
    return f"Tick this box to submit with {count}, or fix them first."


@login_required
@require_http_methods(["GET", "POST"])
def plan_decide(request, plan_id):
    """The page where a reviewer confirms a decision (named by `decision`, in the query
    string and then in the form) after seeing what is still open on the plan."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
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
    return render(
        request,
        "review/plan_decide.html",
        {
            "plan": plan,
            "form": form,
            "approving": decision == ReviewRound.Decision.APPROVED,
            "rounds": review_rounds(plan),
            **open_threads_context(plan),
            "readiness": readiness_of_every_phase(plan),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_reopen(request, plan_id):
    """GET: what reopening an approved plan does to its approval and its reviewers, and
    the button that reopens it. POST: reopen it. For the plan's owner."""
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    access.require(access.can_reopen, access.reopen_refusal)
    plan = access.plan
    if request.method == "POST":
        say_outcome(
            request,
            partial(reopen_plan, plan=plan, user=request.user),
            lambda review_round: (
                "Reopened for revision: the answers can change again. Round "
                f"{review_round.number}'s approval stays in the review history; the next "
                f"submission opens round {review_round.number + 1}."
            ),
        )
        return redirect(plan)
    return render(
        request,
        "review/plan_reopen.html",
        {
            "plan": plan,
            "approved_round": review_rounds(plan)[-1],
            "reviewers": plan_reviewers(plan=plan),
        },
    )


@login_required
def plan_changes(request, plan_id):
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    plan = access.plan
    since_round = comparison_round(plan)
    changes = changes_since(plan, since_round.submitted_at) if since_round else []
    rounds = review_rounds(plan)
    return render(
        request,
        "review/plan_changes.html",
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
def review_queue(request):
    return render(request, "review/review_queue.html", {"rows": awaiting_review(request.user)})
