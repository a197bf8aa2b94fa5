from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.plan_dashboard, name="dashboard"),
    path("<int:plan_id>/phases/<slug:phase_slug>/", views.phase_answers, name="phase"),
    path(
        "<int:plan_id>/phases/<slug:phase_slug>/questions/<slug:question_key>/",
        views.autosave_answer,
        name="autosave_answer",
    ),
]
