"""A round trip through the API as a client makes it: the demo plan's file rebuilt as a
new plan with nothing but API requests (create, answer, add rows), exported, and read
back: its content is the file it came from, and the same document the pages' "Download
as JSON" gives for it."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from microcred import celery_app
from microcred.api.models import ApiToken
from microcred.transfer.plan_json import plan_document

from .conftest import make_token

pytestmark = pytest.mark.django_db

# What a new plan cannot share with its source: when and by whom it was made.
OWN = ("created_at", "updated_at", "owner")


def without_own(document: dict) -> dict:
    plan = {key: value for key, value in document["plan"].items() if key not in OWN}
    skipped = ("exported_at", "plan", "$schema", "exported_from")
    return {"plan": plan, **{k: v for k, v in document.items() if k not in skipped}}


def linked(value, created: dict[str, int]):
    """A row's value with the file's row ids ("stack_components-2") as the API's."""
    if isinstance(value, list) and value and all(item in created for item in value):
        return [created[item] for item in value]
    return created.get(value, value) if isinstance(value, str) else value


def links_of(values: dict, file_ids: set[str]) -> set[str]:
    named = set()
    for value in values.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item in file_ids:
                named.add(item)
    return named


@pytest.fixture
def client_of(api_client):
    def authenticate(user):
        secret = make_token(user, scope=ApiToken.Scope.READ_WRITE).secret
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return api_client

    return authenticate


def test_a_plan_built_through_the_api_is_the_file_it_came_from(
    demo_plan,
    client_of,
    client,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    settings.MEDIA_ROOT = tmp_path
    # Rendered in-process, whatever this run's broker (a worker's export: tests/reports).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    source = plan_document(plan=demo_plan)
    manager = demo_plan.created_by
    api = client_of(manager)
    block = source["plan"]

    made = api.post(
        reverse("api:plan_list"),
        {
            "title": block["title"],
            "organization": demo_plan.organization.slug,
            "summary": block["summary"],
            "currency": block["currency"],
            "discount_rate": block["discount_rate"],
            "template_version": source["template"]["number"],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    plan_id = made.json()["id"]
    assert made["Location"].endswith(reverse("api:plan_detail", kwargs={"pk": plan_id}))

    for entry in source["answers"]:
        url = reverse(
            "api:answer_detail", kwargs={"pk": plan_id, "question_key": entry["question"]}
        )
        answered = api.put(url, {"value": entry["value"], "revision": 0}, format="json")
        assert answered.status_code == 200, (entry["question"], answered.content)

    # Rows in the file's order; a link to a row not made yet is set once it is.
    file_ids = {row["id"] for table in source["record_sets"] for row in table["rows"]}
    created: dict[str, int] = {}
    later: list[tuple[str, str, dict]] = []
    for table in source["record_sets"]:
        rows_url = reverse(
            "api:record_rows", kwargs={"pk": plan_id, "question_key": table["question"]}
        )
        for row in table["rows"]:
            ahead = links_of(row["values"], file_ids) - created.keys()
            values = {
                name: linked(value, created)
                for name, value in row["values"].items()
                if not links_of({name: value}, ahead)
            }
            added = api.post(rows_url, {"fields": values}, format="json")
            assert added.status_code == 201, (row["id"], added.content)
            created[row["id"]] = added.json()["id"]
            if ahead:
                later.append((table["question"], row["id"], row["values"]))
    for question_key, file_id, values in later:
        url = reverse(
            "api:record_row",
            kwargs={"pk": plan_id, "question_key": question_key, "row_id": created[file_id]},
        )
        fields = {name: linked(value, created) for name, value in values.items()}
        changed = api.patch(url, {"fields": fields, "revision": 1}, format="json")
        assert changed.status_code == 200, changed.content

    with django_capture_on_commit_callbacks(execute=True):
        exported = api.post(
            reverse("api:export_list", kwargs={"pk": plan_id}), {"format": "pdf"}, format="json"
        )
    assert exported.status_code == 202, exported.content
    state = api.get(exported["Location"]).json()
    assert state["status"] == "done", state
    pdf = api.get(state["download_url"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf))).pages)
    assert block["title"] in text

    content = api.get(reverse("api:plan_content", kwargs={"pk": plan_id}))
    assert content.status_code == 200
    assert without_own(content.json()) == without_own(source)

    client.force_login(manager)
    download = client.get(reverse("transfer:json_download", kwargs={"plan_id": plan_id}))
    page_file = json.loads(download.content)
    assert {k: v for k, v in page_file.items() if k != "exported_at"} == {
        k: v for k, v in content.json().items() if k != "exported_at"
    }
