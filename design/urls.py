from django.urls import path

from . import views

app_name = "design"
urlpatterns = [
    path("", views.achievement_download, name="achievement"),
    path(
        "components/<int:component_id>/",
        views.component_achievement_download,
        name="component_achievement",
    ),
]
