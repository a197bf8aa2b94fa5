from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("exports/", views.export_list, name="list"),
    path("exports/new/", views.export_create, name="create"),
    path("exports/options/", views.export_options, name="options"),
    path("exports/panel/", views.export_panel, name="panel"),
    path("exports/<int:export_id>/download/", views.export_download, name="download"),
    path("report/preview/", views.report_preview, name="preview"),
]
