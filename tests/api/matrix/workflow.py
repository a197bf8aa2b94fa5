from django.urls import reverse

from microcred.comments.services import add_comment
from microcred.review.services import decide_review, submit_for_review

from . import Entry, Request, readers, writers


def _submitted(plan):
    submit_for_review(plan=plan, user=plan.created_by, confirm_incomplete=True)


def _submit(plan, people):
    return Request(reverse("api:plan_submit", kwargs={"pk": plan.pk}), {"confirm_incomplete": True})


def _decide(plan, people):
    _submitted(plan)
    return Request(reverse("api:plan_decision", kwargs={"pk": plan.pk}), {"decision": "approved"})


def _reopen(plan, people):
    _submitted(plan)
    decide_review(plan=plan, user=people["reviewer"], decision="approved")
    return Request(reverse("api:plan_reopen", kwargs={"pk": plan.pk}))


def _comments(plan, people):
    return Request(reverse("api:plan_comments", kwargs={"pk": plan.pk}))


def _thread(body=None):
    """A request about a thread that the owner starts first."""

    def request(plan, people):
        phase = plan.template_version.phases.get(slug="marketing")
        thread = add_comment(plan=plan, user=people["owner"], body="A thought.", phase=phase)
        url = reverse("api:comment_thread", kwargs={"pk": plan.pk, "thread_id": thread.pk})
        return Request(url, body)

    return request


ENDPOINTS = {
    # The owner submits; the reviewer decides; the owner reopens.
    "POST /api/v1/plans/{id}/submit/": Entry(_submit, writers(200, editor=403)),
    "POST /api/v1/plans/{id}/decision/": Entry(_decide, readers(403, reviewer=200)),
    "POST /api/v1/plans/{id}/reopen/": Entry(_reopen, readers(403, owner=200)),
    "GET /api/v1/plans/{id}/comments/": Entry(_comments, readers(200)),
    # Whoever reads the plan may comment on it, as on its pages.
    "POST /api/v1/plans/{id}/comments/": Entry(
        lambda plan, people: Request(
            _comments(plan, people).url, {"text": "A thought.", "phase_slug": "marketing"}
        ),
        readers(201, read_only=403),
    ),
    "GET /api/v1/plans/{id}/comments/{thread_id}/": Entry(_thread(), readers(200)),
    # A viewer follows the threads: only their own may they resolve.
    "PATCH /api/v1/plans/{id}/comments/{thread_id}/": Entry(
        _thread({"resolved": True}), readers(200, viewer=403, read_only=403)
    ),
}
