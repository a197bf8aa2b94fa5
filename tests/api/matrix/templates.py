from django.urls import reverse

from . import Entry, Request, everyone

ENDPOINTS = {
    "GET /api/v1/templates/": Entry(
        lambda plan, people: Request(reverse("api:template_list")), everyone(200)
    ),
    "GET /api/v1/templates/{number}/": Entry(
        lambda plan, people: Request(
            reverse("api:template_detail", kwargs={"number": plan.template_version.number})
        ),
        everyone(200),
    ),
}
