"""Lists of plans: the landing page, my plans, archived plans, a new plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods

from microcred.organizations.selectors import planning_organizations
from microcred.plans.progress import phase_progress
from microcred.records.registry import REGISTRY

from ..forms import PlanForm, PlanListForm
from ..models import Plan
from ..page_cache import (
    cached_fragments,
    fragment_key,
)
from ..plan_lists import STATUS_ORDER, card_facts, listed_plans, organizations_of_plans
from ..services import NoPublishedTemplate, create_plan
from ..site_roles import site_roles
from .outcomes import add_service_errors


@login_required
def landing(request):
    """Where the site's address and a login without ?next= lead: a committee reviewer who
    writes no plan goes to the plans awaiting their review, everyone else to their plans."""
    roles = site_roles(request.user)
    if roles.reviews and not roles.writes and not request.user.is_superuser:
        return redirect("review:review_queue")
    return redirect("plans:list")


# A page of cards: enough to scan, few enough to render at once when none is cached.
PLANS_PER_PAGE = 20


@login_required
def plan_list(request):
    """My plans: found by title, filtered, sorted and paginated by a GET form."""
    form = PlanListForm(
        request.GET,
        statuses=[(s.value, s.label) for s in STATUS_ORDER if s != Plan.Status.ARCHIVED],
        organizations=organizations_of_plans(user=request.user),
    )
    query = form.list_query()
    page = Paginator(listed_plans(user=request.user, query=query), PLANS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "plans/plan_list.html",
        {
            "form": form,
            "page_obj": page,
            "narrowed": bool(query.search or query.status or query.role or query.organization),
            "cards": plan_cards(list(page)),
            "record_types": REGISTRY.values(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def archived_plans(request):
    cards = plan_cards(list(listed_plans(user=request.user, archived=True)))
    return render(request, "plans/archived_plans.html", {"cards": cards})


def plan_cards(plans: list[Plan]) -> list:
    """Each plan's card on a list of plans (plans of listed_plans), with its progress. A
    card is the same for everyone with the same role on the plan: it is rendered once per
    change of the plan (and per wording of how long ago that was), and cached."""
    facts = {plan: card_facts(plan) for plan in plans}
    keys = {
        plan: fragment_key(
            "plan-card",
            plan.pk,
            plan.template_version_id,
            plan.updated_at.isoformat(),
            naturaltime(plan.updated_at),
            *facts[plan].cache_key_parts,
        )
        for plan in plans
    }

    def render_cards(missing):
        progress = phase_progress(missing)
        return {
            plan: render_to_string(
                "plans/_plan_card.html",
                {"plan": plan, "progress": progress[plan.pk], "facts": facts[plan]},
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
        .values_list("organization__name", flat=True)
        .first()
    )
    currencies = dict(planning_organizations(request.user).values_list("name", "default_currency"))
    if last_organization is None and len(currencies) == 1:
        [last_organization] = currencies
    initial = {"organization": last_organization}
    if last_organization in currencies:
        initial["currency"] = currencies[last_organization]
    form = PlanForm(request.POST or None, initial=initial, organizations=sorted(currencies))
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(user=request.user, **form.cleaned_data)
        except NoPublishedTemplate as error:
            form.add_error(None, str(error))
        except ValidationError as error:  # an organization they do not plan for
            add_service_errors(form, error)
        else:
            messages.success(request, f"Plan “{plan.title}” created.")
            return redirect(plan)
    # A refused form (beside its fields) answers 400, as the other forms do.
    return render(
        request, "plans/plan_form.html", {"form": form}, status=400 if form.errors else 200
    )
