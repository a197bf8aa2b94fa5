from django.urls import reverse

from . import Entry, Request, everyone, readers, writers


def plan_url(name, plan, **kwargs):
    return reverse(f"api:{name}", kwargs={"pk": plan.pk, **kwargs})


ENDPOINTS = {
    "GET /api/v1/plans/": Entry(
        lambda plan, people: Request(reverse("api:plan_list")), everyone(200)
    ),
    # For the plan's organization, in which only the owner plans.
    "POST /api/v1/plans/": Entry(
        lambda plan, people: Request(
            reverse("api:plan_list"),
            {"title": "Another plan", "organization": plan.organization.slug},
        ),
        everyone(400, owner=201, read_only=403),
    ),
    "GET /api/v1/plans/{id}/": Entry(
        lambda plan, people: Request(plan_url("plan_detail", plan)), readers(200)
    ),
    "PATCH /api/v1/plans/{id}/": Entry(
        lambda plan, people: Request(plan_url("plan_detail", plan), {"title": "Renamed"}),
        writers(200),
    ),
    "GET /api/v1/plans/{id}/content/": Entry(
        lambda plan, people: Request(plan_url("plan_content", plan)), readers(200)
    ),
}
