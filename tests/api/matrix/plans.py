from django.urls import reverse

from . import Entry, Request, everyone, readers

ENDPOINTS = {
    "GET /api/v1/plans/": Entry(
        lambda plan, people: Request(reverse("api:plan_list")), everyone(200)
    ),
    "GET /api/v1/plans/{id}/": Entry(
        lambda plan, people: Request(reverse("api:plan_detail", kwargs={"pk": plan.pk})),
        readers(200),
    ),
}
