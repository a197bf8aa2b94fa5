from django.core.files.base import ContentFile
from django.urls import reverse

from microcred.reports.models import ReportExport

from . import Entry, Request, readers


def export_of(plan, people, **fields) -> ReportExport:
    return ReportExport.objects.create(plan=plan, requested_by=people["owner"], **fields)


def done_export(plan, people) -> ReportExport:
    export = export_of(plan, people, status=ReportExport.Status.DONE, filename="plan.pdf")
    export.file.save("plan.pdf", ContentFile(b"%PDF-1.7\n"))
    return export


def export_request(name, make_export):
    def request(plan, people):
        export = make_export(plan, people)
        return Request(reverse(name, kwargs={"pk": plan.pk, "export_id": export.pk}))

    return request


ENDPOINTS = {
    "GET /api/v1/plans/{id}/exports/": Entry(
        lambda plan, people: Request(reverse("api:export_list", kwargs={"pk": plan.pk})),
        readers(200),
    ),
    # Anyone who may see the plan may export it, as on the export page.
    "POST /api/v1/plans/{id}/exports/": Entry(
        lambda plan, people: Request(
            reverse("api:export_list", kwargs={"pk": plan.pk}), body={"format": "pdf"}
        ),
        readers(202, read_only=403),
    ),
    "GET /api/v1/plans/{id}/exports/{export_id}/": Entry(
        export_request("api:export_detail", export_of), readers(200)
    ),
    "GET /api/v1/plans/{id}/exports/{export_id}/file/": Entry(
        export_request("api:export_file", done_export), readers(200)
    ),
}
