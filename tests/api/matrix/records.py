from django.urls import reverse

from microcred.plans.record_rows import save_record
from tests.factories import record_set_question_in

from . import Entry, Request, readers, writers

TIER = {"name": "Member", "audience": "member", "price": "245.00", "valid_from": "2027-09-01"}


def _tiers(plan):
    return record_set_question_in(plan.template_version, "planning.price_tiers")


def _rows(plan, people):
    key = _tiers(plan).key
    return Request(reverse("api:record_rows", kwargs={"pk": plan.pk, "question_key": key}))


def _row_request(body=None, headers=None):
    """A request about a price tier that the owner adds first."""

    def request(plan, people):
        question = _tiers(plan)
        row = save_record(plan=plan, question=question, data=TIER, user=people["owner"]).record
        url = reverse(
            "api:record_row",
            kwargs={"pk": plan.pk, "question_key": question.key, "row_id": row.pk},
        )
        return Request(url, body, headers or {})

    return request


def _move(plan, people):
    question = record_set_question_in(plan.template_version, "design.stack_components")
    data = {"title": "Core", "requirement": "required", "learning_hours": "10"}
    row = save_record(plan=plan, question=question, data=data, user=people["owner"]).record
    save_record(plan=plan, question=question, data={**data, "title": "Next"}, user=people["owner"])
    url = reverse(
        "api:record_row_move",
        kwargs={"pk": plan.pk, "question_key": question.key, "row_id": row.pk},
    )
    return Request(url, {"step": 1})


ROW = "/api/v1/plans/{id}/records/{question_key}/{row_id}/"
ENDPOINTS = {
    "GET /api/v1/plans/{id}/records/{question_key}/": Entry(_rows, readers(200)),
    "POST /api/v1/plans/{id}/records/{question_key}/": Entry(
        lambda plan, people: Request(_rows(plan, people).url, {"fields": TIER}), writers(201)
    ),
    f"GET {ROW}": Entry(_row_request(), readers(200)),
    f"PATCH {ROW}": Entry(
        _row_request({"revision": 1, "fields": {"name": "Members"}}), writers(200)
    ),
    f"PUT {ROW}": Entry(_row_request({"revision": 1, "fields": TIER}), writers(200)),
    f"DELETE {ROW}": Entry(_row_request(headers={"If-Match": '"1"'}), writers(204)),
    f"POST {ROW}move/": Entry(_move, writers(200)),
}
