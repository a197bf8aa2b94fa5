"""The transfer pages under their public paths, which are kept as they were when these
pages belonged to plans: included at the root, beside plans' own pages."""

from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("plans/import/", views.plan_import, name="import"),
    path("plans/csv/answers/", views.answers_csv, name="csv_answers"),
    path("plans/csv/records/<str:record_type>/", views.record_type_csv, name="csv_records"),
    path("plans/<int:plan_id>/json/", views.plan_json_options, name="json_options"),
    path("plans/<int:plan_id>/json/download/", views.plan_json_download, name="json_download"),
    path("plans/<int:plan_id>/copy/", views.plan_copy, name="copy"),
    path("plans/<int:plan_id>/import-report/", views.plan_import_report, name="import_report"),
    path("schemas/plan-v1.json", views.plan_schema, name="plan_schema"),
]
