from django.urls import path

from . import views

app_name = "maintenance"
urlpatterns = [
    path("psychometrics/", views.psychometrics_upload, name="psychometrics_upload"),
    path("psychometrics/reviews/", views.psychometrics_status, name="psychometrics_status"),
    path(
        "psychometrics/<int:review_id>/file/",
        views.psychometrics_download,
        name="psychometrics_download",
    ),
]
