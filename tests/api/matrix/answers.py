from django.urls import reverse

from . import Entry, Request, readers, writers

QUESTION = "business_case"


def answer_url(plan):
    return reverse("api:answer_detail", kwargs={"pk": plan.pk, "question_key": QUESTION})


ENDPOINTS = {
    "GET /api/v1/plans/{id}/answers/": Entry(
        lambda plan, people: Request(reverse("api:answer_list", kwargs={"pk": plan.pk})),
        readers(200),
    ),
    "GET /api/v1/plans/{id}/answers/{question_key}/": Entry(
        lambda plan, people: Request(answer_url(plan)), readers(200)
    ),
    "PUT /api/v1/plans/{id}/answers/{question_key}/": Entry(
        lambda plan, people: Request(answer_url(plan), {"value": "Ours.", "revision": 0}),
        writers(200),
    ),
}
