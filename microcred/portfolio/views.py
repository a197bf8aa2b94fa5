"""An organization's portfolio, and every organization's for superusers: the page and
its CSV, with the same filters."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from microcred.organizations.models import Organization
from microcred.organizations.selectors import overseen_organizations
from microcred.plans.page_cache import cached_page_content

from .charts import portfolio_charts
from .csv_file import portfolio_csv, portfolio_filename
from .forms import PortfolioFilterForm, archived_included, valid_query
from .selectors import (
    PLANS_PER_PAGE,
    overseen_organization,
    owner_choices,
    portfolio_of_plans,
    portfolio_page_key,
    portfolio_plans,
    table_rows,
    template_version_choices,
)


def _filtered(request, organization: Organization | None):
    """The portfolio's plans, the filter form and the query it makes."""
    include_archived = archived_included(request.GET)
    plans = list(portfolio_plans(organization, include_archived=include_archived))
    form = PortfolioFilterForm(
        request.GET, owners=owner_choices(plans), template_versions=template_version_choices(plans)
    )
    return plans, form, valid_query(form)


def _portfolio_page(request, organization: Organization | None, csv_url: str):
    """The page's content (the filters, charts, totals and table) is cached under one
    aggregate of the plans' stamps and the request's parameters: a warm request reads
    that aggregate, and renders nothing but the page around the content."""
    today = timezone.localdate()
    include_archived = archived_included(request.GET)

    def render_content() -> dict:
        plans, form, query = _filtered(request, organization)
        shown = portfolio_of_plans(plans, query, today=today)
        page = Paginator(shown.rows, PLANS_PER_PAGE).get_page(request.GET.get("page"))
        filters = request.GET.copy()
        filters.pop("page", None)  # the CSV holds every page
        query_string = filters.urlencode()
        context = {
            "form": form,
            "portfolio": shown,
            "page_obj": page,
            "table_rows": table_rows(page, shown.phase_names),
            "site_wide": organization is None,
            "csv_url": f"{csv_url}?{query_string}" if query_string else csv_url,
            **portfolio_charts(shown),
        }
        return {
            # With the request for {% querystring %}: the content shows no CSRF token.
            "content": render_to_string("portfolio/_content.html", context, request=request),
            "status": "400" if form.errors else "200",
        }

    key = portfolio_page_key(
        organization, request.GET, include_archived=include_archived, today=today
    )
    parts = cached_page_content(request, key, render_content)
    return render(
        request,
        "portfolio/portfolio.html",
        {"organization": organization, "content": parts["content"]},
        status=int(parts["status"]),
    )


def _portfolio_csv(request, organization: Organization | None) -> HttpResponse:
    plans, form, query = _filtered(request, organization)
    if form.errors:
        reasons = "; ".join(
            f"{form.fields[name].label if name in form.fields else 'filters'}: {message}"
            for name, messages in form.errors.items()
            for message in messages
        )
        return HttpResponseBadRequest(
            f"These filters cannot make a CSV file: {reasons}\n",
            content_type="text/plain; charset=utf-8",
        )
    today = timezone.localdate()
    shown = portfolio_of_plans(plans, query, today=today)
    response = HttpResponse(portfolio_csv(shown), content_type="text/csv; charset=utf-8")
    filename = portfolio_filename(organization, today)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def organization_portfolio(request, slug: str):
    organization = overseen_organization(request.user, slug)
    csv_url = reverse("portfolio:organization_csv", args=[organization.slug])
    return _portfolio_page(request, organization, csv_url)


@login_required
@require_GET
def organization_portfolio_csv(request, slug: str):
    return _portfolio_csv(request, overseen_organization(request.user, slug))


@login_required
@require_GET
def site_portfolio(request):
    """Every organization's plans, for superusers; anyone else who oversees
    organizations is led to theirs (chooses among them when several)."""
    if request.user.is_superuser:
        return _portfolio_page(request, None, reverse("portfolio:site_csv"))
    organizations = list(overseen_organizations(request.user))
    if not organizations:
        raise Http404("You oversee no organization.")
    if len(organizations) == 1:
        return redirect("portfolio:organization", slug=organizations[0].slug)
    return render(request, "portfolio/choose.html", {"organizations": organizations})


@login_required
@require_GET
def site_portfolio_csv(request):
    if not request.user.is_superuser:
        raise Http404("Only superusers see every organization's portfolio.")
    return _portfolio_csv(request, None)
