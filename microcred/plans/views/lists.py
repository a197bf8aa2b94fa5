"""Lists of plans: the landing page, my plans, archived plans, a new plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from microcred.plans.progress import phase_progress
from microcred.plans.selectors import visible_plans
from microcred.records.registry import REGISTRY

from ..forms import (
    PlanForm,
)
from ..models import Plan
from ..page_cache import (
    cached_fragments,
    fragment_key,
)
from ..services import NoPublishedTemplate, create_plan
from ..site_roles import site_roles


@login_required
def landing(request):
    """Where the site's address and a login without ?next= lead: a committee reviewer who
    writes no plan goes to the plans awaiting their review, everyone else to their plans."""
    roles = site_roles(request.user)
    if roles.reviews and not roles.writes and not request.user.is_superuser:
        return redirect("review:review_queue")
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
