"""/api/v1/plans/<id>/exports/: a plan's PDF and Word exports, requested, followed and
downloaded through the API, as on the export page."""

import pytest
from django.urls import reverse

from microcred import celery_app
from microcred.api.models import ApiToken
from microcred.reports.models import ExportSettings, ReportExport
from microcred.reports.options import ExportOptions, export_options_of
from microcred.reports.services import ONLY_WRITERS_SAVE_OPTIONS
from tests.factories import PlanFactory
from tests.reports.conftest import break_the_layout, docx_text, pdf_text
from tests.reports.test_worker import wait_until_finished, worker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

WRITE = {"scope": ApiToken.Scope.READ_WRITE}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUEUED, DONE, FAILED = (
    ReportExport.Status.QUEUED,
    ReportExport.Status.DONE,
    ReportExport.Status.FAILED,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def in_process(monkeypatch):
    """Exports render in-process on commit (the embedded default), whatever this test
    run's broker."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def exports_url(plan):
    return reverse("api:export_list", kwargs={"pk": plan.pk})


def export_url(plan, export, name="export_detail"):
    return reverse(f"api:{name}", kwargs={"pk": plan.pk, "export_id": export.pk})


def file_url(plan, export):
    return export_url(plan, export, "export_file")


def file_content(response) -> bytes:
    return b"".join(response.streaming_content)


def refused(response, status):
    assert response.status_code == status, response.content
    return response.json()


@pytest.mark.django_db(transaction=True)
def test_a_viewer_requests_a_pdf_and_downloads_it(as_bearer, plan, viewer, in_process):
    client = as_bearer(viewer, **WRITE)
    response = client.post(exports_url(plan), {"format": "pdf"}, format="json")
    assert response.status_code == 202, response.content
    export = ReportExport.objects.get()
    assert response["Location"] == f"http://testserver{export_url(plan, export)}"
    body = response.json()
    assert (body["id"], body["format"], body["requested_by"]) == (export.pk, "pdf", "Vera Viewer")

    detail = client.get(response["Location"]).json()
    assert detail["status"] == DONE, detail["error"]
    assert detail["error"] == ""
    assert detail["page_count"] == export.page_count > 1
    assert detail["started_at"] and detail["finished_at"]
    assert detail["is_current"] is True
    assert detail["options"] == {
        "phases": None,
        "include_unanswered": True,
        "include_appendix": True,
        "include_archived": True,
        "page_size": "auto",
    }
    assert detail["options_text"] == ""
    assert detail["download_url"] == f"http://testserver{file_url(plan, export)}"

    download = client.get(detail["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    text = pdf_text(file_content(download))
    assert text.startswith("MICROCREDENTIAL PLAN Data Privacy Fundamentals")
    assert "1. Strategic Planning" in text


@pytest.mark.django_db(transaction=True)
def test_a_word_export_with_options_for_this_export_only(as_bearer, plan, owner, in_process):
    client = as_bearer(owner, **WRITE)
    options = {"phases": ["marketing"], "include_appendix": False}
    response = client.post(exports_url(plan), {"format": "docx", "options": options}, "json")
    assert response.status_code == 202, response.content
    body = client.get(response["Location"]).json()
    assert body["status"] == DONE, body["error"]
    assert body["page_count"] is None
    assert body["options"]["phases"] == ["marketing"]
    assert body["options"]["include_appendix"] is False
    assert body["options"]["include_unanswered"] is True  # the plan's, left as it was
    assert body["options_text"] == (
        "Phases: Marketing; without the review history and comments appendix"
    )
    assert not ExportSettings.objects.exists()  # not saved without save_options

    download = client.get(body["download_url"])
    assert download["Content-Type"] == DOCX
    assert download["Content-Disposition"].endswith('.docx"')
    text = docx_text(file_content(download))
    assert "Data Privacy Fundamentals" in text
    assert "Marketing" in text
    assert "Strategic Planning" not in text


def test_an_editor_saves_the_options_for_every_later_export(as_bearer, plan, editor):
    client = as_bearer(editor, **WRITE)
    body = {"options": {"include_unanswered": False, "page_size": "a4"}, "save_options": True}
    response = client.post(exports_url(plan), body, format="json")
    assert response.status_code == 202, response.content
    saved = export_options_of(plan)
    assert saved == ExportOptions(include_unanswered=False, page_size="a4")
    assert ExportSettings.objects.get().updated_by == editor
    # Asked without options, the next export takes the saved ones.
    other = as_bearer(plan.created_by, **WRITE).post(exports_url(plan), {}, format="json")
    assert other.json()["options"]["include_unanswered"] is False


def test_a_viewer_may_not_save_the_options(as_bearer, plan, viewer):
    client = as_bearer(viewer, **WRITE)
    body = {"options": {"include_unanswered": False}, "save_options": True}
    error = refused(client.post(exports_url(plan), body, format="json"), 403)
    assert error == {"detail": ONLY_WRITERS_SAVE_OPTIONS}
    assert not ReportExport.objects.exists()
    assert not ExportSettings.objects.exists()


def test_asking_again_while_one_is_in_flight_answers_that_one(as_bearer, plan, owner):
    client = as_bearer(owner, **WRITE)
    first = client.post(exports_url(plan), {}, format="json")
    assert (first.status_code, first.json()["status"]) == (202, QUEUED)
    again = client.post(exports_url(plan), {"options": {"include_archived": False}}, "json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    word = client.post(exports_url(plan), {"format": "docx"}, format="json")
    assert word.status_code == 202  # another format: another export
    assert ReportExport.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"format": "json"}, {"format": ["Unknown export format: choose PDF or Word."]}),
        ({"format": ["pdf"]}, {"format": ["Unknown export format: choose PDF or Word."]}),
        (
            {"options": {"phases": []}},
            {"options": {"phases": ["Choose at least one phase to export."]}},
        ),
        (
            {"options": {"phases": ["strategic-planning", "nowhere"]}},
            {"options": {"phases": {"1": ['"nowhere" is not a valid choice.']}}},
        ),
        (
            {"options": {"phases": "planning"}},
            {"options": {"phases": ["Should be a list."]}},
        ),
        (
            {"options": {"include_appendix": "maybe"}},
            {"options": {"include_appendix": ["Should be true or false."]}},
        ),
        (
            {"options": {"page_size": "A5"}},
            {"options": {"page_size": ['"A5" is not a valid choice.']}},
        ),
        (
            {"options": {"include_apendix": False}},
            {"options": {"include_apendix": ["Unknown field."]}},
        ),
        ({"options": None}, {"options": ["This field may not be null."]}),
        ({"colour": "red"}, {"colour": ["Unknown field."]}),
        ([], {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}),
    ],
)
def test_a_request_that_is_not_valid_is_a_400_and_queues_nothing(
    as_bearer, plan, owner, body, errors
):
    client = as_bearer(owner, **WRITE)
    error = refused(client.post(exports_url(plan), body, format="json"), 400)
    assert error == {"detail": "The request's data is not valid.", "errors": errors}
    assert not ReportExport.objects.exists()


def test_a_body_that_is_not_json_is_refused(as_bearer, plan, owner):
    client = as_bearer(owner, **WRITE)
    response = client.post(exports_url(plan), "format=pdf", content_type="text/plain")
    assert refused(response, 415)["detail"] == 'Unsupported media type "text/plain" in request.'
    assert not ReportExport.objects.exists()


def test_the_file_of_an_export_not_done_is_a_409_with_its_state(as_bearer, plan, owner):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    client = as_bearer(owner)
    assert refused(client.get(file_url(plan, export)), 409) == {
        "detail": "This export has no file yet: it is queued."
    }
    ReportExport.objects.filter(pk=export.pk).update(status=ReportExport.Status.RUNNING)
    assert refused(client.get(file_url(plan, export)), 409) == {
        "detail": "This export has no file yet: it is rendering."
    }
    body = client.get(export_url(plan, export)).json()
    assert (body["status"], body["download_url"]) == ("running", None)


def test_a_client_accepting_only_pdf_still_learns_why_there_is_none(as_bearer, plan, owner):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    response = as_bearer(owner).get(file_url(plan, export), headers={"Accept": "application/pdf"})
    assert refused(response, 409)["detail"] == "This export has no file yet: it is queued."
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db(transaction=True)
def test_a_failed_export_shows_its_cause(as_bearer, plan, owner, in_process):
    break_the_layout(plan, owner)
    client = as_bearer(owner, **WRITE)
    response = client.post(exports_url(plan), {}, format="json")
    assert response.status_code == 202
    body = client.get(response["Location"]).json()
    assert body["status"] == FAILED
    assert body["error"].startswith(
        "The PDF could not be produced because of a problem in the plan's content or in the "
        "report layout (InvalidOperation"
    )
    assert (body["download_url"], body["page_count"], body["filename"]) == (None, None, "")
    export = ReportExport.objects.get()
    assert refused(client.get(file_url(plan, export)), 409) == {
        "detail": f"This export failed: {export.error}"
    }


def test_a_file_missing_from_storage_is_a_404(as_bearer, plan, owner):
    export = ReportExport.objects.create(
        plan=plan, requested_by=owner, status=DONE, file="reports/gone.pdf", filename="gone.pdf"
    )
    error = refused(as_bearer(owner).get(file_url(plan, export)), 404)
    assert error == {"detail": "The file of this export is missing from storage."}


def test_another_users_plan_is_a_404_everywhere(as_bearer, plan, owner, outsider):
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    client = as_bearer(outsider, **WRITE)
    for url in (exports_url(plan), export_url(plan, export), file_url(plan, export)):
        assert refused(client.get(url), 404) == {"detail": "No such plan."}
    refused(client.post(exports_url(plan), {}, format="json"), 404)
    assert ReportExport.objects.count() == 1


def test_an_export_of_another_plan_is_a_404_even_for_its_owner(as_bearer, plan, owner):
    mine = PlanFactory(created_by=owner, template_version=plan.template_version)
    export = ReportExport.objects.create(plan=plan, requested_by=owner)
    client = as_bearer(owner)
    for url in (export_url(mine, export), file_url(mine, export)):
        assert refused(client.get(url), 404) == {"detail": "No such export of this plan."}


def make_exports(plan, people, count):
    for number in range(count):
        ReportExport.objects.create(
            plan=plan,
            requested_by=people[number % len(people)],
            format="docx" if number % 2 else "pdf",
            status=FAILED,
            error="Too long.",
            options={"phases": ["strategic-planning"], "include_unanswered": False},
        )


def test_the_list_is_newest_first_in_a_constant_number_of_queries(
    as_bearer, plan, owner, editor, viewer, django_assert_max_num_queries
):
    client = as_bearer(viewer)
    make_exports(plan, [owner, editor], 2)
    with django_assert_max_num_queries(8) as few:
        first = client.get(exports_url(plan))
    make_exports(plan, [owner, editor, viewer], 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(exports_url(plan))
    body = response.json()
    assert body["count"] == 14
    ids = [item["id"] for item in body["results"]]
    assert ids == list(
        ReportExport.objects.order_by("-requested_at", "-pk").values_list("pk", flat=True)
    )
    assert len(first.json()["results"]) == 2
    item = body["results"][0]
    assert item["options_text"] == "Phases: Strategic Planning; without unanswered questions"
    assert (item["status"], item["error"]) == (FAILED, "Too long.")


def test_the_list_is_paginated(as_bearer, plan, owner):
    make_exports(plan, [owner], 3)
    body = as_bearer(owner).get(exports_url(plan), {"page_size": 2, "page": 2}).json()
    assert (body["count"], len(body["results"]), body["next"]) == (3, 1, None)
    assert refused(as_bearer(owner).get(exports_url(plan), {"page": 9}), 404)


def test_one_export_in_a_constant_number_of_queries(
    as_bearer, plan, owner, django_assert_max_num_queries
):
    make_exports(plan, [owner], 3)
    export = ReportExport.objects.first()
    client = as_bearer(owner)
    with django_assert_max_num_queries(7):
        response = client.get(export_url(plan, export))
    assert response.json()["id"] == export.pk


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_what_the_api_asked_for(as_bearer, worker, plan, owner):  # noqa: F811
    client = as_bearer(owner, **WRITE)
    response = client.post(exports_url(plan), {"format": "pdf"}, format="json")
    assert response.status_code == 202
    export = wait_until_finished(ReportExport.objects.get(pk=response.json()["id"]))
    assert export.claimed_by  # a worker's task id, not an in-process call
    body = client.get(response["Location"]).json()
    assert body["status"] == DONE, body["error"]
    text = pdf_text(file_content(client.get(body["download_url"])))
    assert text.startswith("MICROCREDENTIAL PLAN Data Privacy Fundamentals")
