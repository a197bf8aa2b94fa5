"""A plan's dashboard: each phase's progress and readiness, what is missing, and the
sections other apps add (exports, reviews due)."""

import re
from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape

from microcred.plans.progress import plan_phase_progress
from microcred.plans.selectors import (
    plans_with_version,
    unanswered_required_questions,
    version_context,
)
from microcred.questionnaires.selectors import newer_published_version

from ..page_cache import (
    CSRF_PLACEHOLDER,
    cached_page_content,
    plan_page_key,
)
from ..panel_types import Dashboard
from ..panels import dashboard_sections, dashboard_state
from ..permissions import plan_access_or_404
from ..readiness_checks import readiness_by_phase

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
    access = plan_access_or_404(request.user, plan_id, queryset=plans_with_version())
    plan = access.plan
    # Looked up on every request: workers change exports, admins publish versions, and
    # neither stamps the plan.
    newer_version = newer_published_version(plan.template_version)
    key = plan_page_key(
        "dashboard", access, newer_version.pk if newer_version else None, dashboard_state(plan)
    )
    page = cached_page_content(
        request, key, lambda: _dashboard_page(request, access, newer_version)
    )
    return render(request, "plans/plan_dashboard.html", page)


def _dashboard_page(request, access, newer_version) -> dict:
    plan = access.plan
    dashboard = Dashboard(plan=plan, access=access, today=timezone.localdate())
    progress = plan_phase_progress(plan)
    missing = unanswered_required_questions(plan)
    readiness = readiness_by_phase(plan, missing=missing)
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
            "rounds": dashboard.review_rounds,
            "dashboard_sections": dashboard_sections(dashboard),
            **version_context(plan, access=access, newer_version=newer_version),
            "csrf_token": CSRF_PLACEHOLDER,
        },
        request=request,
    )
    return {"title": conditional_escape(plan.title), "content": content}
